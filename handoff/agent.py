"""The agents' namespace "/agent": queue, chats, presence. Authenticated from the login cookie.

Open sockets follow their login: every ``SESSION_CHECK_SECONDS`` each process checks the logins
of its console sockets. A login that ended (logout, password change, deactivation, idle or
absolute expiry) closes its sockets with ``session_ended``; a changed role, department list or
maximum updates the socket's identity, rooms and presence and is sent as ``me``.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from handoff import states, validation
from handoff.auth import CONSOLE_ROLES, Identity, cookie_name, cookie_token, identity_json, token_hash
from handoff.conversations import SUPERVISORS_ROOM, Conversations, agent_room, department_room
from handoff.guard import guarded
from handoff.logins import Logins
from handoff.namespace import BaseNamespace
from handoff.presence import STATUSES
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings

logger = logging.getLogger(__name__)


class AgentNamespace(BaseNamespace):
    def __init__(self, conversations: Conversations, logins: Logins, settings: Settings) -> None:
        super().__init__("/agent", settings.console_origins, settings.trusted_proxy_hops)
        self.conversations = conversations
        self.logins = logins
        self.settings = settings
        self.cookie = cookie_name(settings.cookie_secure)
        self.limiter = RateLimiter(settings.rate_per_second * 2, settings.rate_burst * 2)
        self._logins_of: dict[str, str] = {}  # socket id -> token hash of its login (this process)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        self.check_origin(environ)
        token = cookie_token(environ.get("HTTP_COOKIE"), self.cookie)
        identity = await self.logins.identity(token)
        if identity is None or token is None:
            raise ConnectionRefusedError("unauthorized")
        if identity.role not in CONSOLE_ROLES:
            raise ConnectionRefusedError("forbidden")
        await self.save_session(sid, {"identity": identity})
        self._logins_of[sid] = token_hash(token)
        await self._join_rooms(sid, identity)
        await self.conversations.presence.connected(identity.user_id, sid, identity.departments)
        await self._broadcast_agents()
        return True

    async def _join_rooms(self, sid: str, identity: Identity, before: Optional[Identity] = None) -> None:
        if before is not None:
            for department in set(before.departments) - set(identity.departments):
                await self.leave_room(sid, department_room(department))
            if before.is_supervisor and not identity.is_supervisor:
                await self.leave_room(sid, SUPERVISORS_ROOM)
        await self.enter_room(sid, agent_room(identity.user_id))
        for department in identity.departments:
            await self.enter_room(sid, department_room(department))
        if identity.is_supervisor:
            await self.enter_room(sid, SUPERVISORS_ROOM)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self._logins_of.pop(sid, None)
        identity = await self._identity(sid)
        if identity is not None:
            await self.conversations.presence.disconnected(identity.user_id, sid)
            await self._broadcast_agents()

    # --- logins of open sockets --------------------------------------------------------------

    async def check_logins(self) -> None:
        """Close the sockets whose login ended; update those whose account changed."""
        if not self._logins_of:
            return
        current = await self.logins.identities(self._logins_of.values())  # also counts as use
        for sid, hash_ in list(self._logins_of.items()):
            identity = current.get(hash_)
            if identity is None or identity.role not in CONSOLE_ROLES:
                await self._end(sid, "login_ended")
                continue
            before = await self._identity(sid)
            if before is not None and before != identity:
                await self._update(sid, before, identity)

    async def end_login(self, login_hash: str) -> None:
        """A logout in this process closes this process's sockets of that login at once."""
        for sid, hash_ in list(self._logins_of.items()):
            if hash_ == login_hash:
                await self._end(sid, "logged_out")

    async def _end(self, sid: str, reason: str) -> None:
        logger.info("closing a console socket: %s", reason)
        self._logins_of.pop(sid, None)
        await self.emit("session_ended", {"reason": reason}, to=sid)
        await self.disconnect(sid)

    async def _update(self, sid: str, before: Identity, identity: Identity) -> None:
        session = await self.get_session(sid)
        session["identity"] = identity
        await self.save_session(sid, session)
        await self._join_rooms(sid, identity, before)
        await self.conversations.presence.connected(identity.user_id, sid, identity.departments)
        await self.emit("me", {"me": identity_json(identity)}, to=sid)
        await self._broadcast_agents()

    # --- helpers ---------------------------------------------------------------------------

    async def _identity(self, sid: str) -> Optional[Identity]:
        session = await self.get_session(sid)
        identity = session.get("identity")
        return identity if isinstance(identity, Identity) else None

    async def _agent(self, sid: str) -> Identity:
        identity = await self._identity(sid)
        if identity is None or sid not in self._logins_of:
            raise validation.Invalid("unauthorized", "log in again")
        if not self.limiter.allow(f"a:{identity.user_id}"):
            raise validation.Invalid("rate_limited", "too many actions; slow down")
        return identity

    def _departments(self, identity: Identity) -> Optional[tuple[str, ...]]:
        return None if identity.is_supervisor else identity.departments

    async def _broadcast_agents(self) -> None:
        await self.emit("agents", {"agents": await self.agents_snapshot()}, room=SUPERVISORS_ROOM)

    async def agents_snapshot(self) -> list[dict[str, Any]]:
        present = await self.conversations.presence.agents_or_local()
        result = []
        for user, departments in await self.conversations.store.users():
            if user.role not in CONSOLE_ROLES or not user.active:
                continue
            presence = present.get(user.id)
            result.append(
                {
                    "id": user.id,
                    "display_name": user.display_name,
                    "role": user.role,
                    "departments": departments,
                    "status": presence.status if presence else "offline",
                    "max_chats": user.max_chats,
                }
            )
        return result

    # --- events ----------------------------------------------------------------------------

    @guarded
    async def on_hello(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Everything the console needs after (re)connecting."""
        agent = await self._agent(sid)
        assigned = [await self.conversations.view(c) for c in await self.conversations.store.assigned(agent.user_id)]
        queue = await self.conversations.queue_snapshot(self._departments(agent))
        departments = {d.id: d.name for d in self.conversations.city.departments.values()}
        present = await self.conversations.presence.agents_or_local()
        presence = present.get(agent.user_id)
        colleagues = [
            {
                "id": user.id,
                "display_name": user.display_name,
                "departments": departments,
                "status": present[user.id].status,
            }
            for user, departments in await self.conversations.store.users()
            if user.id in present and user.id != agent.user_id and set(departments) & set(agent.departments)
        ]
        return {
            "ok": True,
            "me": {**identity_json(agent), "status": presence.status if presence else "online"},
            "assigned": assigned,
            "queue": queue,
            "departments": departments,
            "colleagues": colleagues,  # online agents sharing a department: targets for a transfer
        }

    @guarded
    async def on_presence(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        status = validation.choice(data, "status", STATUSES)
        await self.conversations.presence.set_status(agent.user_id, status)
        await self._broadcast_agents()
        return {"ok": True, "status": status}

    @guarded
    async def on_accept(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        return await self.conversations.accept(agent, validation.conversation_id(data))

    @guarded
    async def on_message(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        return await self.conversations.agent_message(
            agent, validation.agent_text(data, self.settings.max_message_chars)
        )

    @guarded
    async def on_note(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        text = validation.agent_text(data, self.settings.max_message_chars)
        return await self.conversations.agent_message(agent, text, note=True)

    @guarded
    async def on_typing(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        return await self.conversations.agent_typing(agent, validation.conversation_id(data), validation.typing(data))

    @guarded
    async def on_transfer(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        return await self.conversations.transfer(agent, validation.transfer(data))

    @guarded
    async def on_hand_back(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        return await self.conversations.hand_back(agent, validation.conversation_id(data))

    @guarded
    async def on_close(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        outcome = validation.choice(data, "outcome", states.OUTCOMES)
        return await self.conversations.close(agent, validation.conversation_id(data), outcome)

    @guarded
    async def on_take_over(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        return await self.conversations.take_over(agent, validation.conversation_id(data))

    @guarded
    async def on_open(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """A conversation with its latest messages and context, if the agent may read it (handoff/access.py)."""
        agent = await self._agent(sid)
        conversation, exists = await self.conversations.store.readable_conversation(
            validation.conversation_id(data), agent
        )
        if conversation is None:
            if exists:
                return {"ok": False, "error": "forbidden", "message": "not your conversation"}
            return {"ok": False, "error": "not_found", "message": "no such conversation"}
        return {"ok": True, "conversation": await self.conversations.view(conversation)}

    @guarded
    async def on_history(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Older messages of a conversation the agent may read: ``{conversation_id, before}``."""
        agent = await self._agent(sid)
        request = validation.history_page(data)
        conversation, exists = await self.conversations.store.readable_conversation(request.conversation_id, agent)
        if conversation is None:
            if exists:
                return {"ok": False, "error": "forbidden", "message": "not your conversation"}
            return {"ok": False, "error": "not_found", "message": "no such conversation"}
        messages, more = await self.conversations.older_messages(conversation.id, request.before, include_notes=True)
        return {"ok": True, "conversation_id": conversation.id, "messages": messages, "older_messages": more}

    @guarded
    async def on_live(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Supervisors: live bot conversations and queue length per department."""
        agent = await self._agent(sid)
        if not agent.is_supervisor:
            return {"ok": False, "error": "forbidden", "message": "supervisors only"}
        live = await self.conversations.store.live_bot_conversations()
        queues: dict[str, int] = {d: 0 for d in self.conversations.city.departments}
        for conversation in await self.conversations.store.queue():
            if conversation.department:
                queues[conversation.department] = queues.get(conversation.department, 0) + 1
        return {
            "ok": True,
            "bot_conversations": [
                await self.conversations.view(c, with_transcript=True, include_notes=False) for c in live
            ],
            "queues": queues,
            "agents": await self.agents_snapshot(),
        }

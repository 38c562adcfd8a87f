"""The agents' namespace "/agent": queue, chats, presence. Authenticated from the login cookie."""

from __future__ import annotations

import logging
from typing import Any, Optional

from handoff import states, validation
from handoff.auth import CONSOLE_ROLES, Identity, cookie_token, identity_for_token
from handoff.conversations import SUPERVISORS_ROOM, Conversations, agent_room, department_room
from handoff.guard import guarded
from handoff.namespace import BaseNamespace
from handoff.presence import STATUSES
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings

logger = logging.getLogger(__name__)


class AgentNamespace(BaseNamespace):
    def __init__(self, conversations: Conversations, settings: Settings) -> None:
        super().__init__("/agent", settings.trusted_proxy_hops)
        self.conversations = conversations
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_per_second * 2, settings.rate_burst * 2)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        token = cookie_token(environ.get("HTTP_COOKIE"))
        async with self.conversations.store.sessions() as session:
            identity = await identity_for_token(session, token)
        if identity is None:
            raise ConnectionRefusedError("unauthorized")
        if identity.role not in CONSOLE_ROLES:
            raise ConnectionRefusedError("forbidden")
        await self.save_session(sid, {"identity": identity})
        await self.enter_room(sid, agent_room(identity.user_id))
        for department in identity.departments:
            await self.enter_room(sid, department_room(department))
        if identity.is_supervisor:
            await self.enter_room(sid, SUPERVISORS_ROOM)
        await self.conversations.presence.connected(identity.user_id, sid, identity.departments)
        await self._broadcast_agents()
        return True

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        identity = await self._identity(sid)
        if identity is not None:
            await self.conversations.presence.disconnected(identity.user_id, sid)
            await self._broadcast_agents()

    async def _identity(self, sid: str) -> Optional[Identity]:
        session = await self.get_session(sid)
        identity = session.get("identity")
        return identity if isinstance(identity, Identity) else None

    async def _agent(self, sid: str) -> Identity:
        identity = await self._identity(sid)
        if identity is None:
            raise validation.Invalid("unauthorized", "log in again")
        if not self.limiter.allow(f"a:{identity.user_id}"):
            raise validation.Invalid("rate_limited", "too many actions; slow down")
        return identity

    def _departments(self, identity: Identity) -> Optional[tuple[str, ...]]:
        return None if identity.is_supervisor else identity.departments

    async def _broadcast_agents(self) -> None:
        await self.emit("agents", {"agents": await self.agents_snapshot()}, room=SUPERVISORS_ROOM)

    async def agents_snapshot(self) -> list[dict[str, Any]]:
        present = await self.conversations.presence.agents()
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

    @guarded
    async def on_hello(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Everything the console needs after (re)connecting."""
        agent = await self._agent(sid)
        assigned = [await self.conversations.view(c) for c in await self.conversations.store.assigned(agent.user_id)]
        queue = await self.conversations.queue_snapshot(self._departments(agent))
        departments = {d.id: d.name for d in self.conversations.city.departments.values()}
        present = await self.conversations.presence.agents()
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
            "me": {
                "id": agent.user_id,
                "display_name": agent.display_name,
                "role": agent.role,
                "departments": list(agent.departments),
                "max_chats": agent.max_chats,
                "status": presence.status if presence else "online",
            },
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
        """A conversation with its transcript and context (its agent, its queue, or a supervisor)."""
        agent = await self._agent(sid)
        conversation = await self.conversations.store.conversation(validation.conversation_id(data))
        if conversation is None:
            return {"ok": False, "error": "not_found", "message": "no such conversation"}
        allowed = (
            agent.is_supervisor
            or conversation.agent_id == agent.user_id
            or (conversation.state == states.QUEUED and conversation.department in agent.departments)
        )
        if not allowed:
            return {"ok": False, "error": "forbidden", "message": "not your conversation"}
        return {"ok": True, "conversation": await self.conversations.view(conversation)}

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

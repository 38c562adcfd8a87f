"""The agents' namespace "/agent": queue, chats, presence. Authenticated from the login cookie.

Open sockets follow their login: every ``SESSION_CHECK_SECONDS`` each process checks the logins
of its console sockets. A login that ended (logout, password change, deactivation, idle or
absolute expiry) closes its sockets with ``session_ended``; a changed role, department list or
maximum updates the socket's identity, rooms and presence and is sent as ``me``.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from handoff.accounts.cookies import cookie_name, cookie_token, token_hash
from handoff.accounts.identity import CONSOLE_ROLES, Identity
from handoff.accounts.logins import Logins
from handoff.db.presence import STATUSES
from handoff.domain import cases, states
from handoff.domain.errors import Refused
from handoff.domain.notices import Outcome
from handoff.domain.service import Domain
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings
from handoff.transport import payloads, validation
from handoff.transport.guard import guarded
from handoff.transport.namespace import BaseNamespace
from handoff.transport.notifier import SUPERVISORS_ROOM, Notifier, agent_room, department_room

logger = logging.getLogger(__name__)


class AgentNamespace(BaseNamespace):
    def __init__(self, domain: Domain, notifier: Notifier, logins: Logins, settings: Settings) -> None:
        super().__init__("/agent", settings.console_origins, settings.trusted_proxy_hops)
        self.domain = domain
        self.agents = domain.agents
        self.presence = domain.ctx.presence
        self.notifier = notifier
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
        await self.presence.connected(identity.user_id, sid, identity.departments)
        await self.notifier.agents_changed(await self.agents.roster())
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
            await self.presence.disconnected(identity.user_id, sid)
            await self.notifier.agents_changed(await self.agents.roster())

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
        await self.presence.connected(identity.user_id, sid, identity.departments)
        await self.emit("me", {"me": payloads.identity(identity)}, to=sid)
        await self.notifier.agents_changed(await self.agents.roster())

    # --- helpers ---------------------------------------------------------------------------

    async def _identity(self, sid: str) -> Optional[Identity]:
        session = await self.get_session(sid)
        identity = session.get("identity")
        return identity if isinstance(identity, Identity) else None

    async def _agent(self, sid: str) -> Identity:
        identity = await self._identity(sid)
        if identity is None or sid not in self._logins_of:
            raise Refused("unauthorized", "log in again")
        if not self.limiter.allow(f"a:{identity.user_id}"):
            raise Refused("rate_limited", "too many actions; slow down")
        return identity

    async def _done(self, outcome: Outcome[Any], ack: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        await self.notifier.publish(outcome.notices)
        return ack or {"ok": True}

    # --- events ----------------------------------------------------------------------------

    @guarded
    async def on_hello(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Everything the console needs after (re)connecting."""
        agent = await self._agent(sid)
        present = await self.presence.agents_or_local()
        presence = present.get(agent.user_id)
        return {
            "ok": True,
            "me": {**payloads.identity(agent), "status": presence.status if presence else "online"},
            "assigned": payloads.conversations(await self.agents.assigned(agent)),
            "queue": payloads.conversations(await self.domain.queues.entries(self.agents.visible_departments(agent))),
            "departments": {d.id: d.name for d in self.domain.ctx.city.departments.values()},
            # online agents sharing a department: targets for a transfer
            "colleagues": [payloads.colleague(c) for c in await self.agents.colleagues(agent)],
        }

    @guarded
    async def on_presence(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        status = validation.choice(data, "status", STATUSES)
        await self.presence.set_status(agent.user_id, status)
        await self.notifier.agents_changed(await self.agents.roster())
        return {"ok": True, "status": status}

    @guarded
    async def on_accept(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        outcome = await self.agents.accept(agent, validation.conversation_id(data))
        return await self._done(outcome, {"ok": True, "conversation": payloads.conversation(outcome.value)})

    @guarded
    async def on_message(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        outcome = await self.agents.write(agent, validation.agent_text(data, self.settings.max_message_chars))
        return await self._done(outcome, payloads.receipt(outcome.value))

    @guarded
    async def on_note(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        text = validation.agent_text(data, self.settings.max_message_chars)
        outcome = await self.agents.write(agent, text, note=True)
        return await self._done(outcome, payloads.receipt(outcome.value))

    @guarded
    async def on_typing(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        conversation_id, typing = validation.conversation_id(data), validation.typing(data)
        return await self._done(await self.agents.typing(agent, conversation_id, typing))

    @guarded
    async def on_transfer(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        return await self._done(await self.agents.transfer(agent, validation.transfer(data)))

    @guarded
    async def on_hand_back(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        return await self._done(await self.agents.hand_back(agent, validation.conversation_id(data)))

    @guarded
    async def on_close(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        outcome = validation.choice(data, "outcome", states.OUTCOMES)
        return await self._done(await self.agents.close(agent, validation.conversation_id(data), outcome))

    @guarded
    async def on_create_case(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """The chat becomes a case (the agent cannot finish it now); the chat is then closed."""
        agent = await self._agent(sid)
        request = validation.case_from_chat(data, cases.KINDS)
        conversation = await self.agents.owned(agent, request.conversation_id)
        created, notices = await self.domain.cases.from_chat(
            conversation,
            cases.CaseRequest(
                kind=request.kind,
                topic=request.topic or (conversation.handoff_reason or "Chat"),
                description=request.description,
                contact_email=request.contact_email,
                contact_phone=request.contact_phone,
                consent=request.consent,
            ),
        )
        await self.notifier.publish(notices)
        closed = await self.agents.close(agent, conversation.id, "case_created")
        return await self._done(
            closed,
            {
                "ok": True,
                "case": {
                    "reference": created.reference,
                    "department": created.department,
                    "due_at": payloads.iso(created.due_at),
                },
            },
        )

    @guarded
    async def on_take_over(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        agent = await self._agent(sid)
        outcome = await self.agents.take_over(agent, validation.conversation_id(data))
        return await self._done(outcome, {"ok": True, "conversation": payloads.conversation(outcome.value)})

    @guarded
    async def on_open(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """A conversation with its latest messages and context, if the agent may read it."""
        agent = await self._agent(sid)
        details = await self.agents.open(agent, validation.conversation_id(data))
        return {"ok": True, "conversation": payloads.conversation(details)}

    @guarded
    async def on_history(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Older messages of a conversation the agent may read: ``{conversation_id, before}``."""
        agent = await self._agent(sid)
        request = validation.history_page(data)
        messages, more = await self.agents.older(agent, request.conversation_id, request.before)
        return {
            "ok": True,
            "conversation_id": request.conversation_id,
            "messages": payloads.messages(messages),
            "older_messages": more,
        }

    @guarded
    async def on_live(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Supervisors: live bot conversations and queue length per department."""
        agent = await self._agent(sid)
        if not agent.is_supervisor:
            raise Refused("forbidden", "supervisors only")
        live, queues = await self.agents.live()
        roster = await self.agents.roster()
        return {
            "ok": True,
            "bot_conversations": payloads.conversations(live),
            "queues": queues,
            "agents": [payloads.agent(status) for status in roster],
        }

"""The citizens' namespace "/": Rasa's socketio protocol plus extensions (docs/protocol.md).

Parses and limits what citizens send, asks the domain, publishes its notices and answers with
the ack. The socket's conversation is kept in its Socket.IO session, never taken from a payload
(except a plain Rasa widget's session id, which is a bearer secret the server issued).
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from handoff.domain.errors import Refused
from handoff.domain.service import Domain
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings
from handoff.transport import payloads, validation
from handoff.transport.guard import guarded
from handoff.transport.namespace import BaseNamespace
from handoff.transport.notifier import Notifier, citizen_room

logger = logging.getLogger(__name__)


class CitizenNamespace(BaseNamespace):
    def __init__(self, domain: Domain, notifier: Notifier, settings: Settings) -> None:
        super().__init__("/", settings.allowed_origins, settings.trusted_proxy_hops)
        self.domain = domain
        self.citizens = domain.citizens
        self.notifier = notifier
        self.settings = settings
        # every event costs a token of its session and of its address; typing has its own bucket
        self.per_session = RateLimiter(settings.rate_per_second, settings.rate_burst)
        self.per_ip = RateLimiter(settings.ip_rate_per_second, settings.ip_rate_burst)
        self.typing_limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
        per_minute = settings.sessions_per_minute_per_ip
        self.new_sessions = RateLimiter(per_minute / 60.0, per_minute)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        self.check_origin(environ)
        await self.save_session(sid, {"ip": self.client_ip(environ), "conversation_id": None})
        return True

    async def _conversation_id(
        self, sid: str, claimed_session: Optional[str] = None, session: Optional[dict[str, Any]] = None
    ) -> str:
        """The socket's conversation; raises ``no_session`` without one. ``session``: the socket's
        Socket.IO session when the caller has it already."""
        if session is None:
            session = await self.get_session(sid)
        conversation_id: Optional[str] = session.get("conversation_id")
        if conversation_id is None and claimed_session:
            # Plain Rasa widgets may skip session_request after a reconnect and just send the id.
            conversation = await self.domain.ctx.store.conversation_by_session(claimed_session)
            if conversation is not None:
                conversation_id = conversation.id
                session.update(conversation_id=conversation_id, session_id=claimed_session)
                await self.save_session(sid, session)
                await self.enter_room(sid, citizen_room(conversation_id))
        if conversation_id is None:
            raise Refused("no_session", "send session_request first")
        return conversation_id

    async def _limit(self, sid: str) -> str:
        """Counts the event against its session and its address; returns the address."""
        return self._count(sid, await self.get_session(sid))

    def _count(self, sid: str, session: dict[str, Any]) -> str:
        address = str(session.get("ip"))
        key = session.get("conversation_id") or sid
        if not (self.per_session.allow(f"s:{key}") and self.per_ip.allow(f"i:{address}")):
            raise Refused("rate_limited", "too many requests; slow down")
        return address

    @guarded
    async def on_session_request(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        request = validation.session_request(data)
        address = await self._limit(sid)
        known = None
        if request.session_id:
            known = await self.domain.ctx.store.conversation_by_session(request.session_id)
        if known is None and not self.new_sessions.allow(address):
            logger.warning("refused a new conversation: too many from one address")
            raise Refused("rate_limited", "too many new conversations; try again later")
        session = await self.get_session(sid)
        if session.get("conversation_id"):
            await self.leave_room(sid, citizen_room(session["conversation_id"]))
        conversation, session_id = await self.citizens.start_session(request.session_id, known)
        session.update(conversation_id=conversation.id, session_id=session_id)
        await self.save_session(sid, session)
        await self.enter_room(sid, citizen_room(conversation.id))
        status = payloads.handoff_status(await self.citizens.status(conversation))
        confirm = {"session_id": session_id, "state": conversation.state, "new": session_id != request.session_id}
        await self.emit("session_confirm", confirm, to=sid)
        if conversation.state != "bot":
            await self.emit("handoff_status", status, to=sid)
        return {"ok": True, **confirm, "status": status}

    @guarded
    async def on_user_uttered(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        message = validation.user_uttered(data, self.settings.max_message_chars)
        session = await self.get_session(sid)
        address = self._count(sid, session)
        conversation_id = await self._conversation_id(sid, message.session_id, session)
        outcome = await self.citizens.write(conversation_id, message, sid, address)
        await self.notifier.publish(outcome.notices)
        return payloads.receipt(outcome.value)

    @guarded
    async def on_history_request(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        after = validation.after_id(data)
        await self._limit(sid)
        conversation_id = await self._conversation_id(sid)
        conversation = await self.domain.ctx.store.conversation(conversation_id)
        if conversation is None:
            raise Refused("no_session", "the conversation was deleted")
        messages = await self.citizens.history(conversation_id, after)
        status = await self.citizens.status(conversation)
        return {"ok": True, "messages": payloads.messages(messages), "status": payloads.handoff_status(status)}

    @guarded
    async def on_typing(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        typing = validation.typing(data)
        conversation_id = await self._conversation_id(sid)
        if not self.typing_limiter.allow(f"t:{conversation_id}"):
            raise Refused("rate_limited", "too many events; slow down")
        await self.notifier.publish((await self.citizens.typing(conversation_id, typing)).notices)
        return {"ok": True}

    @guarded
    async def on_delete_conversation(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Deletes the socket's conversation; ``deleted: false`` when it was gone already. Every tab
        of the session gets `session_deleted` before this ack."""
        await self._limit(sid)
        conversation_id = await self._conversation_id(sid)
        outcome = await self.citizens.delete(conversation_id)
        await self.notifier.publish(outcome.notices)
        session = await self.get_session(sid)
        session.update(conversation_id=None, session_id=None)
        await self.save_session(sid, session)
        await self.leave_room(sid, citizen_room(conversation_id))
        return {"ok": True, "deleted": outcome.value}

    @guarded
    async def on_feedback(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        feedback = validation.feedback(data)
        await self._limit(sid)
        conversation_id = await self._conversation_id(sid)
        await self.citizens.feedback(conversation_id, feedback.message_id, feedback.helpful)
        return {"ok": True}

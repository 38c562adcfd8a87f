"""The citizens' namespace "/": Rasa's socketio protocol plus extensions (docs/protocol.md)."""

from __future__ import annotations

import logging
from typing import Any, Optional

from handoff import validation
from handoff.conversations import Conversations, citizen_room
from handoff.guard import guarded
from handoff.namespace import BaseNamespace
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings

logger = logging.getLogger(__name__)

RATE_LIMITED = {"ok": False, "error": "rate_limited", "message": "too many requests; slow down"}


class CitizenNamespace(BaseNamespace):
    def __init__(self, conversations: Conversations, settings: Settings) -> None:
        super().__init__("/", settings.allowed_origins, settings.trusted_proxy_hops)
        self.conversations = conversations
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

    async def _conversation_id(self, sid: str, claimed_session: Optional[str] = None) -> Optional[str]:
        session = await self.get_session(sid)
        conversation_id: Optional[str] = session.get("conversation_id")
        if conversation_id is None and claimed_session:
            # Plain Rasa widgets may skip session_request after a reconnect and just send the id.
            conversation = await self.conversations.store.conversation_by_session(claimed_session)
            if conversation is not None:
                conversation_id = conversation.id
                session["conversation_id"] = conversation_id
                session["session_id"] = claimed_session
                await self.save_session(sid, session)
                await self.enter_room(sid, citizen_room(conversation_id))
        return conversation_id

    async def _allowed(self, sid: str) -> bool:
        session = await self.get_session(sid)
        key = session.get("conversation_id") or sid
        return self.per_session.allow(f"s:{key}") and self.per_ip.allow(f"i:{session.get('ip')}")

    @guarded
    async def on_session_request(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        request = validation.session_request(data)
        if not await self._allowed(sid):
            return RATE_LIMITED
        session = await self.get_session(sid)
        known = None
        if request.session_id:
            known = await self.conversations.store.conversation_by_session(request.session_id)
        if known is None and not self.new_sessions.allow(str(session.get("ip"))):
            logger.warning("refused a new conversation: too many from one address")
            return {"ok": False, "error": "rate_limited", "message": "too many new conversations; try again later"}
        if session.get("conversation_id"):
            await self.leave_room(sid, citizen_room(session["conversation_id"]))
        conversation, session_id = await self.conversations.start_session(request.session_id, known)
        session.update(conversation_id=conversation.id, session_id=session_id)
        await self.save_session(sid, session)
        await self.enter_room(sid, citizen_room(conversation.id))
        status = await self.conversations.citizen_status(conversation)
        confirm = {"session_id": session_id, "state": conversation.state, "new": session_id != request.session_id}
        await self.emit("session_confirm", confirm, to=sid)
        if conversation.state != "bot":
            await self.emit("handoff_status", status, to=sid)
        return {"ok": True, **confirm, "status": status}

    @guarded
    async def on_user_uttered(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        message = validation.user_uttered(data, self.settings.max_message_chars)
        if not await self._allowed(sid):
            return {"ok": False, "error": "rate_limited", "message": "too many messages; slow down"}
        conversation_id = await self._conversation_id(sid, message.session_id)
        if conversation_id is None:
            return {"ok": False, "error": "no_session", "message": "send session_request first"}
        session = await self.get_session(sid)
        return await self.conversations.citizen_message(
            conversation_id, message, sender_sid=sid, address=str(session.get("ip"))
        )

    @guarded
    async def on_history_request(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        after = validation.after_id(data)
        if not await self._allowed(sid):
            return RATE_LIMITED
        conversation_id = await self._conversation_id(sid)
        if conversation_id is None:
            return {"ok": False, "error": "no_session", "message": "send session_request first"}
        conversation = await self.conversations.store.conversation(conversation_id)
        if conversation is None:
            return {"ok": False, "error": "no_session", "message": "the conversation was deleted"}
        messages = await self.conversations.history(conversation_id, after)
        status = await self.conversations.citizen_status(conversation)
        return {"ok": True, "messages": messages, "status": status}

    @guarded
    async def on_typing(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        typing = validation.typing(data)
        conversation_id = await self._conversation_id(sid)
        if conversation_id is None:
            return {"ok": False, "error": "no_session", "message": "send session_request first"}
        if not self.typing_limiter.allow(f"t:{conversation_id}"):
            return {"ok": False, "error": "rate_limited", "message": "too many events; slow down"}
        await self.conversations.citizen_typing(conversation_id, typing)
        return {"ok": True}

    @guarded
    async def on_delete_conversation(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        """Deletes the socket's conversation; ``deleted: false`` when it was gone already."""
        if not await self._allowed(sid):
            return RATE_LIMITED
        conversation_id = await self._conversation_id(sid)
        if conversation_id is None:
            return {"ok": False, "error": "no_session", "message": "send session_request first"}
        deleted = await self.conversations.delete(conversation_id)
        session = await self.get_session(sid)
        session.update(conversation_id=None, session_id=None)
        await self.save_session(sid, session)
        await self.leave_room(sid, citizen_room(conversation_id))
        return {"ok": True, "deleted": deleted}

    @guarded
    async def on_feedback(self, sid: str, data: Any = None, *_: Any) -> dict[str, Any]:
        feedback = validation.feedback(data)
        if not await self._allowed(sid):
            return RATE_LIMITED
        conversation_id = await self._conversation_id(sid)
        if conversation_id is None:
            return {"ok": False, "error": "no_session", "message": "send session_request first"}
        return await self.conversations.feedback(conversation_id, feedback.message_id, feedback.helpful)

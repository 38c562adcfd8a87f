"""What happens to a conversation: the citizen writes, the bot answers, a person takes over.

The namespaces (citizen.py, agent.py) parse and authorise; this module changes state (through
the store, where conditional updates make every move atomic across processes) and tells
everyone concerned (through Socket.IO rooms, which the Redis manager spans across processes).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import weakref
from typing import Any, Awaitable, Callable, Optional

import socketio

from handoff import contract, retention, states, texts
from handoff.addresses import UNKNOWN
from handoff.auth import Identity
from handoff.db.models import Conversation, aware, utcnow
from handoff.presence import Presence, PresenceUnknown
from handoff.rasa_client import BotUnavailable, RasaClient
from handoff.ratelimit import RateLimiter
from handoff.records import MessageRecord, Routed
from handoff.retention import RasaTracker
from handoff.settings import Settings
from handoff.store import Store, new_session_id
from handoff.validation import AgentText, Transfer, UserUttered
from handoff.views import bot_uttered, conversation_view, message_view
from handoff.writer import ConversationMissing
from kb import hours
from kb.model import CityProfile, Department

logger = logging.getLogger(__name__)

CITIZEN_NS = "/"
AGENT_NS = "/agent"
SUPERVISORS_ROOM = "supervisors"
REQUEST_HUMAN = "/request_human"
TRANSCRIPT_LIMIT = 200
QUEUE_SNAPSHOT_LIMIT = 100
QUEUE_PREVIEW_MESSAGES = 5  # queue entries carry the latest messages as a preview
HANDLING_CACHE_SECONDS = 60.0
RETENTION_INTERVAL_SECONDS = 3600.0


def citizen_room(conversation_id: str) -> str:
    return f"c:{conversation_id}"


def agent_room(user_id: int) -> str:
    return f"agent:{user_id}"


def department_room(department: str) -> str:
    return f"dept:{department}"


def error(code: str, message: str = "") -> dict[str, Any]:
    return {"ok": False, "error": code, "message": message or code}


class Conversations:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        store: Store,
        rasa: RasaClient,
        presence: Presence,
        city: CityProfile,
        settings: Settings,
        now: Callable[[], dt.datetime],
        tracker: Optional[RasaTracker] = None,
    ) -> None:
        """``now`` is the office-hours clock (the city's time); stored timestamps use real UTC.
        ``tracker`` is Rasa's tracker database, where deleted conversations are deleted too."""
        self.sio = sio
        self.store = store
        self.rasa = rasa
        self.presence = presence
        self.city = city
        self.settings = settings
        self.now = now
        self.tracker = tracker
        self._turn_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._tasks: set[asyncio.Task[None]] = set()
        self._handling_cache: dict[Optional[str], tuple[float, float]] = {}
        self._next_retention = 0.0
        # requests for a person per client address: a script must not fill a department's queue
        per_hour = settings.handoffs_per_hour_per_ip
        self._handoffs = RateLimiter(per_hour / 3600.0, per_hour)

    # --- helpers ---------------------------------------------------------------------------

    def department(self, department_id: Optional[str]) -> Department:
        return self.city.department(department_id)

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for bot turns still running (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _turn_lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._turn_locks.get(conversation_id)
        if lock is None:
            lock = asyncio.Lock()
            self._turn_locks[conversation_id] = lock
        return lock

    async def _say(
        self,
        conversation: Routed,
        key: str,
        quick_replies: Optional[list[dict[str, str]]] = None,
        **values: object,
    ) -> MessageRecord:
        """A system message to the citizen, stored like every other message."""
        data: dict[str, Any] = {"system": key}
        if quick_replies:
            data["quick_replies"] = quick_replies
        message, _, _ = await self.store.add_message(
            conversation.id, "system", texts.text(key, conversation.language, **values), data
        )
        await self.sio.emit(
            "bot_uttered", bot_uttered(message), room=citizen_room(conversation.id), namespace=CITIZEN_NS
        )
        await self._to_agents(
            conversation, "message", {"conversation_id": conversation.id, "message": message_view(message)}
        )
        return message

    async def _status(self, conversation_id: str, status: dict[str, Any]) -> None:
        await self.sio.emit("handoff_status", status, room=citizen_room(conversation_id), namespace=CITIZEN_NS)

    async def _to_agents(self, conversation: Routed, event: str, data: dict[str, Any]) -> None:
        """Tell whoever looks after the conversation: its agent, or its department's queue.

        Supervisors follow other conversations through the `live` call and `open`, not through
        every message: with many agents a copy of each message per supervisor would dominate.
        """
        if conversation.state == states.ASSIGNED and conversation.agent_id is not None:
            await self.sio.emit(event, data, room=agent_room(conversation.agent_id), namespace=AGENT_NS)
        elif conversation.state == states.QUEUED and conversation.department:
            await self.sio.emit(event, data, room=department_room(conversation.department), namespace=AGENT_NS)

    async def view(
        self, conversation: Conversation, with_transcript: bool = True, include_notes: bool = True
    ) -> dict[str, Any]:
        transcript = None
        older = False
        if with_transcript:
            messages, older = await self.store.latest_messages(
                conversation.id, TRANSCRIPT_LIMIT, include_notes=include_notes
            )
            transcript = [message_view(m) for m in messages]
        agent_name = None
        if conversation.agent_id is not None:
            user = await self.store.user(conversation.agent_id)
            agent_name = user.display_name if user else None
        position = await self.store.queue_position(conversation) if conversation.state == states.QUEUED else None
        view = conversation_view(
            conversation,
            utcnow(),
            transcript,
            self.department(conversation.department).name if conversation.department else None,
            agent_name,
            position,
        )
        if with_transcript:
            view["older_messages"] = older  # the transcript holds the latest messages; ask `history` for more
        return view

    async def older_messages(
        self, conversation_id: str, before: int, include_notes: bool, limit: int = TRANSCRIPT_LIMIT
    ) -> tuple[list[dict[str, Any]], bool]:
        """A page of a transcript before the message ``before``, oldest first, and whether more precede it."""
        messages, more = await self.store.latest_messages(conversation_id, limit, before, include_notes)
        return [message_view(m) for m in messages], more

    # --- citizens ---------------------------------------------------------------------------

    async def start_session(
        self, requested: Optional[str], known: Optional[Conversation] = None
    ) -> tuple[Conversation, str]:
        """The conversation of a known session id, or a fresh one (never someone else's).
        ``known``: the requested session's conversation, when the caller looked it up already."""
        if requested:
            conversation = known or await self.store.conversation_by_session(requested)
            if conversation is not None:
                return conversation, requested
        session_id = new_session_id()
        return await self.store.create_conversation(session_id), session_id

    async def citizen_status(self, conversation: Conversation) -> dict[str, Any]:
        """The handoff status a (re)connecting citizen should see."""
        status: dict[str, Any] = {"state": conversation.state}
        if conversation.department:
            department = self.department(conversation.department)
            status.update(department=department.id, department_name=department.display_name(conversation.language))
        if conversation.state == states.QUEUED:
            status.update(await self._queue_estimate(conversation))
        if conversation.state == states.ASSIGNED and conversation.agent_id:
            user = await self.store.user(conversation.agent_id)
            status["agent_name"] = user.display_name if user else None
        return status

    async def _queue_estimate(self, conversation: Conversation) -> dict[str, Any]:
        position = await self.store.queue_position(conversation)
        wait = int(position * await self._seconds_per_position(conversation.department))
        return {"position": position, "expected_wait_seconds": wait}

    async def citizen_message(
        self,
        conversation_id: str,
        message: UserUttered,
        sender_sid: Optional[str] = None,
        address: str = UNKNOWN,
    ) -> dict[str, Any]:
        """Store and route a citizen's message; the sending socket learns the outcome from the ack,
        the session's other tabs from `message_echo` and `delivered`.

        A re-sent message (same ``client_id``) is stored once. It is routed again only if its
        first routing did not finish (the process failed or crashed after the commit): then
        nobody has answered it yet. Idempotency holds after a failure too, not only after success.
        """
        data = {"page": message.page} if message.page else None
        try:
            stored, created, current = await self.store.add_message(
                conversation_id, "citizen", message.text, data, client_id=message.client_id
            )
        except ConversationMissing:  # deleted meanwhile
            return error("no_session", "the conversation does not exist (any more)")
        conversation: Routed = current
        ack = {"ok": True, "id": stored.id, "client_id": message.client_id, "duplicate": not created}
        if not created and not await self._unrouted(conversation, stored):
            return ack  # a re-sent message: stored and relayed once
        updates: dict[str, Any] = {}
        if message.page and message.page != conversation.page:
            updates["page"] = message.page
        if message.language and message.language != conversation.language:
            updates["language"] = message.language
        if updates:
            await self.store.update(conversation_id, **updates)
        echo = message_view(stored)
        room = citizen_room(conversation_id)
        await self.sio.emit("message_echo", echo, room=room, skip_sid=sender_sid, namespace=CITIZEN_NS)
        delivered = {"id": stored.id, "client_id": message.client_id}
        await self.sio.emit("delivered", delivered, room=room, skip_sid=sender_sid, namespace=CITIZEN_NS)
        if conversation.state == states.CLOSED:
            conversation = await self.store.transition(conversation_id, "reopen", agent_id=None) or conversation
        if states.human_owns(conversation.state):
            await self._to_agents(conversation, "message", {"conversation_id": conversation_id, "message": echo})
        else:
            metadata = {  # the widget's customData, with page and language as the gateway checked them
                **message.custom,
                "page": message.page or conversation.page,
                "language": message.language or conversation.language,
            }
            self._spawn(self._bot_turn(conversation, message.text, metadata, address))
        return ack

    async def _unrouted(self, conversation: Routed, message: MessageRecord) -> bool:
        """Whether a stored citizen message still needs routing (see citizen_message)."""
        if states.human_owns(conversation.state):
            return True  # sent to the agents again: the console shows each message id once
        lock = self._turn_locks.get(conversation.id)
        if lock is not None and lock.locked():
            return False  # its bot turn is running in this process
        return not await self.store.answered_after(conversation.id, message.id)

    async def _bot_turn(self, conversation: Routed, text: str, metadata: dict[str, Any], address: str) -> None:
        """One message through Rasa. ``conversation`` is the state the message was stored with;
        a turn that had to wait for an earlier one (which may have handed off) looks again."""
        conversation_id = conversation.id
        try:
            lock = self._turn_lock(conversation_id)
            waited = lock.locked()
            async with lock:
                if waited:
                    current = await self.store.routing(conversation_id)
                    if current is None or states.human_owns(current.state):
                        return  # a person took over meanwhile: nothing goes to Rasa
                    conversation = current
                room = citizen_room(conversation_id)
                await self.sio.emit("typing", {"sender": "bot", "typing": True}, room=room, namespace=CITIZEN_NS)
                try:
                    replies = await self.rasa.send(conversation_id, text, metadata)
                except BotUnavailable as failure:
                    logger.warning("bot unavailable for conversation %s: %s", conversation_id, failure)
                    await self._bot_unavailable(conversation, text, address)
                    return
                finally:
                    await self.sio.emit("typing", {"sender": "bot", "typing": False}, room=room, namespace=CITIZEN_NS)
                messages = contract.from_rest(replies)
                stored_messages = await asyncio.gather(  # one write for the whole turn, in order
                    *(self.store.add_message(conversation_id, "bot", m.text, m.stored_data or None) for m in messages)
                )
                for stored, _, _ in stored_messages:
                    await self.sio.emit("bot_uttered", bot_uttered(stored), room=room, namespace=CITIZEN_NS)
                handoff = contract.handoff_of(messages)
                if handoff is not None:
                    await self.bot_handoff(conversation, handoff, address)
        except ConversationMissing:
            logger.info("conversation %s was deleted during a bot turn", conversation_id)
        except Exception:
            logger.exception("bot turn failed in conversation %s", conversation_id)

    async def _bot_unavailable(self, conversation: Routed, text: str, address: str) -> None:
        if text.strip() == REQUEST_HUMAN:
            # the department of the conversation's topic, as far as the bot got
            department = conversation.department or await self.store.topic_department(conversation.id)
            context: dict[str, Any] = {
                "summary": "Der digitale Assistent war nicht erreichbar; der Bürger bat um einen Menschen.",
                "intents": [],
                "slots": {},
                "form": {},
                "language": conversation.language,
                "page": conversation.page,
            }
            await self.bot_handoff(
                conversation, {"reason": "bot_unavailable", "department": department, "context": context}, address
            )
            return
        language = conversation.language
        await self._say(
            conversation,
            "bot_unavailable",
            quick_replies=[
                {"content_type": "text", "title": texts.text("talk_to_person", language), "payload": REQUEST_HUMAN}
            ],
        )

    async def bot_handoff(self, conversation: Routed, handoff: dict[str, Any], address: str = UNKNOWN) -> None:
        """Queue the conversation if live help is possible, otherwise tell the honest alternative."""
        department = self.department(handoff.get("department"))
        reason = str(handoff.get("reason") or "explicit_request")
        raw_context = handoff.get("context")
        context: dict[str, Any] = raw_context if isinstance(raw_context, dict) else {}
        moment = self.now()
        opening = hours.opening_state(self.city, department, moment)
        try:
            online = department.id in await self.presence.departments_with_agents_online()
        except PresenceUnknown:
            online = True  # unknown is not absent: queue, the agents' consoles will see it
        await self.store.update(
            conversation.id, department=department.id, handoff_reason=reason, handoff_context=context
        )
        name = department.display_name(conversation.language)
        if opening.is_open and online:
            if not self._handoffs.allow(address):
                logger.warning("refused a request for a person: too many from one address")
                await self._unavailable(conversation, department, "rate_limited", "too_many_handoffs")
                return
            limit = department.max_queue or self.settings.max_queue_length
            if await self.store.queue_length(department.id) >= limit:
                await self._unavailable(conversation, department, "busy", "queue_full")
                return
            queued = await self.store.transition(
                conversation.id, "handoff", department=department.id, queued_at=utcnow(), priority=0, agent_id=None
            )
            if queued is None:
                return
            estimate = await self._queue_estimate(queued)
            await self._say(
                queued,
                "queued",
                department=name,
                position=estimate["position"],
                minutes=max(1, round(estimate["expected_wait_seconds"] / 60)),
            )
            await self._status(
                queued.id, {"state": states.QUEUED, "department": department.id, "department_name": name, **estimate}
            )
            await self.sio.emit(
                "handoff_alert", await self.view(queued), room=department_room(department.id), namespace=AGENT_NS
            )
            await self.broadcast_queue(department.id)
            return
        if opening.is_open:
            await self._unavailable(conversation, department, "no_agents", "no_agents")
            return
        if handoff.get("live") is not False:  # the bot thought it open: say it ourselves
            when = hours.describe_now(self.city, department, moment, conversation.language)
            await self._say(conversation, "closed_hours", department=name, when=when, email=department.email)
        next_opening = opening.next_opening.isoformat() if opening.next_opening else None
        await self._status(
            conversation.id,
            {
                "state": "unavailable",
                "reason": "closed",
                "department": department.id,
                "department_name": name,
                "next_opening": next_opening,
            },
        )

    async def _unavailable(self, conversation: Routed, department: Department, reason: str, text_key: str) -> None:
        """No live help now: say why and how to reach the department, and tell the widget."""
        name = department.display_name(conversation.language)
        await self._say(conversation, text_key, department=name, email=department.email, phone=department.phone)
        await self._status(
            conversation.id,
            {"state": "unavailable", "reason": reason, "department": department.id, "department_name": name},
        )

    async def citizen_typing(self, conversation_id: str, typing: bool) -> None:
        conversation = await self.store.conversation(conversation_id)
        if conversation is not None and conversation.state == states.ASSIGNED:
            await self._to_agents(conversation, "typing", {"conversation_id": conversation_id, "typing": typing})

    async def history(self, conversation_id: str, after: int) -> list[dict[str, Any]]:
        messages = await self.store.messages(conversation_id, after=after, limit=self.settings.history_limit)
        return [message_view(m) for m in messages]

    async def delete(self, conversation_id: str) -> bool:
        """The citizen deletes their conversation: here at once, in Rasa's tracker at once or by a
        durable job (handoff/retention.py). False when it did not exist (any more)."""
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            return False
        department = conversation.department
        deleted = await retention.delete_now(self.store, self.tracker, [conversation_id])
        if not deleted:
            return False
        await self._to_agents(conversation, "conversation_deleted", {"conversation_id": conversation_id})
        await self.store.audit(None, "citizen_deleted_conversation", conversation_id)
        await self.sio.emit("session_deleted", {}, room=citizen_room(conversation_id), namespace=CITIZEN_NS)
        if conversation.state == states.QUEUED and department:
            await self.broadcast_queue(department)
        return True

    async def feedback(self, conversation_id: str, message_id: int, helpful: bool) -> dict[str, Any]:
        message = await self.store.message(message_id)
        if message is None or message.conversation_id != conversation_id or message.sender != "bot":
            return error("not_found", "no such answer in this conversation")
        article = (message.data or {}).get("kb_article")
        stored = await self.store.add_feedback(conversation_id, message_id, article, helpful)
        return {"ok": True} if stored else error("duplicate", "feedback was already given")

    # --- agents -----------------------------------------------------------------------------

    async def _owned(
        self, agent: Identity, conversation_id: str
    ) -> tuple[Optional[Conversation], Optional[dict[str, Any]]]:
        conversation = await self.store.conversation(conversation_id)
        if conversation is None:
            return None, error("not_found", "no such conversation")
        if conversation.state != states.ASSIGNED or (
            conversation.agent_id != agent.user_id and not agent.is_supervisor
        ):
            return None, error("not_yours", "this chat is not assigned to you")
        return conversation, None

    async def accept(self, agent: Identity, conversation_id: str) -> dict[str, Any]:
        conversation = await self.store.accept(conversation_id, agent)
        if conversation is None:
            current = await self.store.conversation(conversation_id)
            if current is None:
                return error("not_found", "no such conversation")
            if current.state == states.ASSIGNED:
                return error("taken", "another agent has already accepted this chat")
            if current.state != states.QUEUED:
                return error("not_queued", "this chat is not waiting in a queue")
            if not agent.is_supervisor and current.department not in agent.departments:
                return error("forbidden", "this chat belongs to another department")
            return error("max_chats", f"you already have {agent.max_chats} chats")
        await self._joined(conversation, agent)
        if conversation.department:
            await self.broadcast_queue(conversation.department)
        view = await self.view(conversation)
        await self.sio.emit("assigned", view, room=agent_room(agent.user_id), namespace=AGENT_NS)
        await self.store.audit(agent.user_id, "accept", conversation.id)
        return {"ok": True, "conversation": view}

    async def _joined(self, conversation: Conversation, agent: Identity) -> None:
        department = self.department(conversation.department)
        name = department.display_name(conversation.language)
        await self._say(conversation, "agent_joined", agent=agent.display_name, department=name)
        await self._status(
            conversation.id,
            {
                "state": states.ASSIGNED,
                "agent_name": agent.display_name,
                "department": department.id,
                "department_name": name,
            },
        )

    async def agent_message(self, agent: Identity, message: AgentText, note: bool = False) -> dict[str, Any]:
        conversation, failure = await self._owned(agent, message.conversation_id)
        if conversation is None:
            return failure or error("not_found")
        stored, created, _ = await self.store.add_message(
            conversation.id,
            "note" if note else "agent",
            message.text,
            {"agent_name": agent.display_name},
            client_id=message.client_id,
            agent_id=agent.user_id,
        )
        if created:
            view = message_view(stored)
            if not note:
                await self.sio.emit(
                    "bot_uttered", bot_uttered(stored), room=citizen_room(conversation.id), namespace=CITIZEN_NS
                )
            await self._to_agents(conversation, "message", {"conversation_id": conversation.id, "message": view})
        return {"ok": True, "id": stored.id, "client_id": message.client_id, "duplicate": not created}

    async def agent_typing(self, agent: Identity, conversation_id: str, typing: bool) -> dict[str, Any]:
        conversation, failure = await self._owned(agent, conversation_id)
        if conversation is None:
            return failure or error("not_found")
        await self.sio.emit(
            "typing", {"sender": "agent", "typing": typing}, room=citizen_room(conversation_id), namespace=CITIZEN_NS
        )
        return {"ok": True}

    async def hand_back(self, agent: Identity, conversation_id: str) -> dict[str, Any]:
        conversation, failure = await self._owned(agent, conversation_id)
        if conversation is None:
            return failure or error("not_found")
        returned = await self.store.transition(conversation_id, "hand_back", agent_id=None)
        if returned is None:
            return error("conflict", "the chat changed meanwhile")
        try:
            # Rasa learns that a person handled the request, so it starts fresh from here.
            await self.rasa.append_events(
                conversation_id,
                [
                    {"event": "slot", "name": "back_from_agent", "value": True},
                    {"event": "slot", "name": "handoff_reason", "value": None},
                    {"event": "action", "name": "action_listen"},
                ],
            )
        except BotUnavailable as failure_:
            logger.warning("could not update Rasa's tracker of %s: %s", conversation_id, failure_)
        await self._say(returned, "back_to_bot")
        await self._status(conversation_id, {"state": states.BOT})
        await self.sio.emit(
            "conversation_update",
            {"conversation_id": conversation_id, "state": states.BOT},
            room=agent_room(agent.user_id),
            namespace=AGENT_NS,
        )
        await self.store.audit(agent.user_id, "hand_back", conversation_id)
        return {"ok": True}

    async def close(self, agent: Identity, conversation_id: str, outcome: str) -> dict[str, Any]:
        conversation, failure = await self._owned(agent, conversation_id)
        if conversation is None:
            return failure or error("not_found")
        closed = await self.store.transition(conversation_id, "close", outcome=outcome, closed_at=utcnow())
        if closed is None:
            return error("conflict", "the chat changed meanwhile")
        await self._say(closed, "closed")
        await self._status(conversation_id, {"state": states.CLOSED})
        await self.sio.emit(
            "conversation_update",
            {"conversation_id": conversation_id, "state": states.CLOSED, "outcome": outcome},
            room=agent_room(agent.user_id),
            namespace=AGENT_NS,
        )
        await self.store.audit(agent.user_id, "close", conversation_id, {"outcome": outcome})
        return {"ok": True}

    async def transfer(self, agent: Identity, request: Transfer) -> dict[str, Any]:
        conversation, failure = await self._owned(agent, request.conversation_id)
        if conversation is None:
            return failure or error("not_found")
        if request.department is not None:
            if request.department not in self.city.departments:
                return error("invalid", "unknown department")
            moved = await self.store.transition(
                conversation.id,
                "transfer_to_department",
                department=request.department,
                agent_id=None,
                priority=1,
                queued_at=aware(conversation.queued_at) or utcnow(),
            )
            if moved is None:
                return error("conflict", "the chat changed meanwhile")
            department = self.department(request.department)
            await self._say(moved, "transferred", department=department.display_name(moved.language))
            await self._status(
                moved.id,
                {
                    "state": states.QUEUED,
                    "department": department.id,
                    "department_name": department.display_name(moved.language),
                    **await self._queue_estimate(moved),
                },
            )
            await self.sio.emit(
                "handoff_alert", await self.view(moved), room=department_room(department.id), namespace=AGENT_NS
            )
            await self.broadcast_queue(department.id)
        else:
            target = await self.store.user(request.agent_id or 0)
            agents = await self.presence.agents_or_local()
            if target is None or not target.active or target.id not in agents:
                return error("unavailable", "that agent is not online")
            moved = await self.store.transition(
                conversation.id, "transfer_to_agent", agent_id=target.id, assigned_at=utcnow()
            )
            if moved is None:
                return error("conflict", "the chat changed meanwhile")
            identity = Identity(target.id, target.username, target.display_name, target.role, (), target.max_chats)
            await self._joined(moved, identity)
            await self.sio.emit("assigned", await self.view(moved), room=agent_room(target.id), namespace=AGENT_NS)
        await self.sio.emit(
            "conversation_update",
            {"conversation_id": conversation.id, "state": "transferred"},
            room=agent_room(agent.user_id),
            namespace=AGENT_NS,
        )
        await self.store.audit(
            agent.user_id, "transfer", conversation.id, {"department": request.department, "agent_id": request.agent_id}
        )
        return {"ok": True}

    async def take_over(self, agent: Identity, conversation_id: str) -> dict[str, Any]:
        if not agent.is_supervisor:
            return error("forbidden", "only supervisors can take over")
        before = await self.store.conversation(conversation_id)
        taken = await self.store.transition(conversation_id, "take_over", agent_id=agent.user_id, assigned_at=utcnow())
        if taken is None:
            return error("conflict", "the chat is not with the bot or in a queue")
        await self._joined(taken, agent)
        if before is not None and before.state == states.QUEUED and before.department:
            await self.broadcast_queue(before.department)
        view = await self.view(taken)
        await self.sio.emit("assigned", view, room=agent_room(agent.user_id), namespace=AGENT_NS)
        await self.store.audit(agent.user_id, "take_over", conversation_id)
        return {"ok": True, "conversation": view}

    # --- queues and housekeeping ---------------------------------------------------------------

    async def queue_snapshot(self, departments: Optional[tuple[str, ...]]) -> list[dict[str, Any]]:
        """Queue entries with their context, without transcripts (those come with accept/open)."""
        now = utcnow()
        positions: dict[Optional[str], int] = {}
        queue = (await self.store.queue(departments))[:QUEUE_SNAPSHOT_LIMIT]
        recent = await self.store.recent_messages([c.id for c in queue], QUEUE_PREVIEW_MESSAGES)
        items = []
        for conversation in queue:
            positions[conversation.department] = positions.get(conversation.department, 0) + 1
            name = self.department(conversation.department).name if conversation.department else None
            preview = [message_view(m) for m in recent.get(conversation.id, [])]
            items.append(conversation_view(conversation, now, preview, name, None, positions[conversation.department]))
        return items

    async def broadcast_queue(self, department: str) -> None:
        """Send the department's queue to its agents and every waiting citizen their position."""
        queue = await self.store.queue((department,))
        now = utcnow()
        name = self.department(department).name
        shown = queue[:QUEUE_SNAPSHOT_LIMIT]
        recent = await self.store.recent_messages([c.id for c in shown], QUEUE_PREVIEW_MESSAGES)
        items = [
            conversation_view(c, now, [message_view(m) for m in recent.get(c.id, [])], name, None, i)
            for i, c in enumerate(shown, 1)
        ]
        payload = {"department": department, "items": items, "length": len(queue)}
        await self.sio.emit("queue", payload, room=department_room(department), namespace=AGENT_NS)
        await self.sio.emit("queue", payload, room=SUPERVISORS_ROOM, namespace=AGENT_NS)
        per_position = await self._seconds_per_position(department)
        still_queued = await self.store.still_queued([c.id for c in queue])  # accepted meanwhile: skip
        for position, conversation in enumerate(queue, start=1):
            if conversation.id not in still_queued:
                continue
            citizen_name = self.department(department).display_name(conversation.language)
            await self._status(
                conversation.id,
                {
                    "state": states.QUEUED,
                    "department": department,
                    "department_name": citizen_name,
                    "position": position,
                    "expected_wait_seconds": int(position * per_position),
                },
            )

    async def _seconds_per_position(self, department: Optional[str]) -> float:
        """Expected wait per place in the queue: recent handling time over agents online."""
        cached = self._handling_cache.get(department)
        if cached is None or cached[1] < time.monotonic():
            cached = (await self.store.average_handling_seconds(department), time.monotonic() + HANDLING_CACHE_SECONDS)
            self._handling_cache[department] = cached
        agents = await self.presence.agents_or_local()
        online = sum(1 for p in agents.values() if p.status == "online" and department in p.departments)
        return cached[0] / max(1, online)

    async def sweep(self) -> None:
        """Return chats of agents gone longer than the grace period to the head of their queue;
        finish deletions in Rasa's tracker; once an hour delete conversations past the retention
        period. While Redis cannot be read nobody counts as gone."""
        await self.presence.heartbeat()
        if self.tracker is not None:
            await retention.run_jobs(self.store, self.tracker)
        if self.settings.retention_days > 0 and time.monotonic() >= self._next_retention:
            self._next_retention = time.monotonic() + RETENTION_INTERVAL_SECONDS
            await retention.expire(self.store, self.settings.retention_days, self.tracker)
        try:
            await self._requeue_orphans()
        except PresenceUnknown:
            return  # who is online is unknown: keep every assignment

    async def _requeue_orphans(self) -> None:
        agents = await self.presence.agents()
        now = time.time()  # real time, like the presence records (self.now is the office-hours clock)
        for conversation in await self.store.assigned():
            agent_id = conversation.agent_id
            if agent_id is None or agent_id in agents:
                continue
            since = await self.presence.offline_since(agent_id)
            if since is None or now - since < self.settings.agent_grace_seconds:
                continue
            requeued = await self.store.transition(
                conversation.id, "requeue", [Conversation.agent_id == agent_id], agent_id=None, priority=1
            )
            if requeued is None:
                continue  # another process did it, or the agent acted meanwhile
            logger.info("conversation %s returned to the queue: agent %s gone", conversation.id, agent_id)
            await self._status(requeued.id, {"state": "agent_left"})
            await self._say(requeued, "agent_left")
            await self.store.audit(None, "requeue_after_grace", conversation.id, {"agent_id": agent_id})
            if requeued.department:
                await self.sio.emit(
                    "handoff_alert",
                    await self.view(requeued),
                    room=department_room(requeued.department),
                    namespace=AGENT_NS,
                )
                await self.broadcast_queue(requeued.department)

"""One citizen message through Rasa, in the background: the citizen's ack does not wait for it.

Turns of one conversation run one after the other (a lock per conversation); a turn that had to
wait looks again whether a person took over meanwhile. When Rasa does not answer in time the
citizen hears so at once, with the offer of a person (`/request_human` then works without Rasa,
routed to the department of the conversation's topic).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any, Awaitable

from handoff.db.records import Routing
from handoff.db.writer import ConversationMissing
from handoff.domain import states, texts
from handoff.domain.context import Context
from handoff.domain.live_help import LiveHelp
from handoff.domain.notices import Notice, Publisher, ToCitizen, Typing
from handoff.domain.transcripts import say
from handoff.rasa import contract
from handoff.rasa.client import BotUnavailable

logger = logging.getLogger(__name__)

REQUEST_HUMAN = "/request_human"
TYPING_AFTER_SECONDS = 0.3  # a quick answer needs no "typing …" first


class BotTurns:
    def __init__(self, ctx: Context, live_help: LiveHelp, publisher: Publisher) -> None:
        self.ctx = ctx
        self.live_help = live_help
        self.publisher = publisher
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, routing: Routing, text: str, metadata: dict[str, Any], address: str) -> None:
        self._spawn(self._turn(routing, text, metadata, address))

    def running(self, conversation_id: str) -> bool:
        """Whether a turn of this conversation runs in this process (or waits for one)."""
        lock = self._locks.get(conversation_id)
        return lock is not None and lock.locked()

    async def drain(self) -> None:
        """Wait for the turns still running (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[conversation_id] = lock
        return lock

    async def _turn(self, routing: Routing, text: str, metadata: dict[str, Any], address: str) -> None:
        """``routing`` is the state the message was stored with; a turn that had to wait for an
        earlier one (which may have handed off) looks again."""
        conversation_id = routing.id
        try:
            lock = self._lock(conversation_id)
            waited = lock.locked()
            async with lock:
                if waited:
                    current = await self.ctx.store.routing(conversation_id)
                    if current is None or states.human_owns(current.state):
                        return  # a person took over meanwhile: nothing goes to Rasa
                    routing = current
                await self.publisher.publish(await self._answer(routing, text, metadata, address))
        except ConversationMissing:
            logger.info("conversation %s was deleted during a bot turn", conversation_id)
        except Exception:
            logger.exception("bot turn failed in conversation %s", conversation_id)

    async def _answer(self, routing: Routing, text: str, metadata: dict[str, Any], address: str) -> list[Notice]:
        replies = asyncio.ensure_future(self.ctx.rasa.send(routing.id, text, metadata))
        typing = False
        try:
            done, _ = await asyncio.wait({replies}, timeout=TYPING_AFTER_SECONDS)
            if not done:  # it takes a moment: show that the bot is on it
                typing = True
                await self.publisher.publish([Typing(routing, "bot", True)])
            answer = await replies
        except BotUnavailable as failure:
            logger.warning("bot unavailable for conversation %s: %s", routing.id, failure)
            notices: list[Notice] = [Typing(routing, "bot", False)] if typing else []
            return notices + await self._unavailable(routing, text, address)
        messages = contract.from_rest(answer)
        try:
            stored = await asyncio.gather(  # one write for the whole turn, in order
                *(self.ctx.store.add_message(routing.id, "bot", m.text, m.stored_data or None) for m in messages)
            )
        except BaseException:
            if typing:
                await self.publisher.publish([Typing(routing, "bot", False)])
            raise
        notices = [Typing(routing, "bot", False)] if typing else []
        notices += [ToCitizen(routing.id, message) for message, _, _ in stored]
        handoff = contract.handoff_of(messages)
        if handoff is not None:
            notices += await self.live_help.offer(routing, handoff, address)
        return notices

    async def _unavailable(self, routing: Routing, text: str, address: str) -> list[Notice]:
        if text.strip() == REQUEST_HUMAN:
            # the department of the conversation's topic, as far as the bot got
            department = routing.department or await self.ctx.store.topic_department(routing.id)
            context: dict[str, Any] = {
                "summary": "Der digitale Assistent war nicht erreichbar; der Bürger bat um einen Menschen.",
                "intents": [],
                "slots": {},
                "form": {},
                "language": routing.language,
                "page": routing.page,
            }
            handoff = {"reason": "bot_unavailable", "department": department, "context": context}
            return await self.live_help.offer(routing, handoff, address)
        button = {
            "content_type": "text",
            "title": texts.text("talk_to_person", routing.language),
            "payload": REQUEST_HUMAN,
        }
        _, said = await say(self.ctx, routing, "bot_unavailable", quick_replies=[button])
        return said

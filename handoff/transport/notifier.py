"""The one place where what happened (the domain's notices) becomes Socket.IO events for rooms.

Rooms: ``c:<conversation>`` (every tab of a citizen's session), ``agent:<user>`` (every console
of an agent), ``dept:<department>`` (the department's agents, for its queue) and ``supervisors``.
With Redis the rooms span the gateway processes (handoff/transport/server.py).
"""

from __future__ import annotations

from typing import Any, Sequence

import socketio

from handoff.db.records import Routing
from handoff.domain import states
from handoff.domain.notices import (
    Alert,
    Assigned,
    ChatLeft,
    CitizenWrote,
    Deleted,
    Notice,
    QueueChanged,
    Status,
    ToAgents,
    ToCitizen,
    Typing,
)
from handoff.domain.values import AgentStatus
from handoff.transport import payloads
from handoff.transport.server import LocalManager

CITIZEN_NS = "/"
AGENT_NS = "/agent"
SUPERVISORS_ROOM = "supervisors"


def citizen_room(conversation_id: str) -> str:
    return f"c:{conversation_id}"


def agent_room(user_id: int) -> str:
    return f"agent:{user_id}"


def department_room(department: str) -> str:
    return f"dept:{department}"


class Notifier:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def publish(self, notices: Sequence[Notice]) -> None:
        for notice in notices:
            await self._publish(notice)

    async def _publish(self, notice: Notice) -> None:
        if isinstance(notice, ToCitizen):
            await self._citizen(notice.conversation_id, "bot_uttered", payloads.bot_uttered(notice.message))
        elif isinstance(notice, CitizenWrote):
            if not self._reaches_other_tabs(notice):
                return  # the usual case: one tab; nothing to build
            delivered = {"id": notice.message.id, "client_id": notice.message.client_id}
            await self._citizen(
                notice.conversation_id, "message_echo", payloads.message(notice.message), notice.sender_sid
            )
            await self._citizen(notice.conversation_id, "delivered", delivered, notice.sender_sid)
        elif isinstance(notice, ToAgents):
            data = {"conversation_id": notice.routing.id, "message": payloads.message(notice.message)}
            await self._looking_after(notice.routing, "message", data)
        elif isinstance(notice, Status):
            await self._citizen(notice.conversation_id, "handoff_status", payloads.handoff_status(notice.status))
        elif isinstance(notice, Typing):
            await self._typing(notice)
        elif isinstance(notice, Alert):
            alert = payloads.conversation(notice.details)
            await self.sio.emit("handoff_alert", alert, room=department_room(notice.department), namespace=AGENT_NS)
        elif isinstance(notice, QueueChanged):
            await self._queue(notice)
        elif isinstance(notice, Assigned):
            view = payloads.conversation(notice.details)
            await self.sio.emit("assigned", view, room=agent_room(notice.agent_id), namespace=AGENT_NS)
        elif isinstance(notice, ChatLeft):
            update: dict[str, Any] = {"conversation_id": notice.conversation_id, "state": notice.state}
            if notice.outcome is not None:
                update["outcome"] = notice.outcome
            await self.sio.emit("conversation_update", update, room=agent_room(notice.agent_id), namespace=AGENT_NS)
        elif isinstance(notice, Deleted):
            await self._looking_after(notice.routing, "conversation_deleted", {"conversation_id": notice.routing.id})
            await self._citizen(notice.routing.id, "session_deleted", {})

    async def agents_changed(self, roster: Sequence[AgentStatus]) -> None:
        """Supervisors see who is online (after a connect, disconnect, status or account change)."""
        data = {"agents": [payloads.agent(status) for status in roster]}
        await self.sio.emit("agents", data, room=SUPERVISORS_ROOM, namespace=AGENT_NS)

    def _reaches_other_tabs(self, notice: CitizenWrote) -> bool:
        """False only when this single process knows the writer's tab is the only one (with
        Redis, other processes may hold tabs of the same session)."""
        manager = self.sio.manager
        if not isinstance(manager, LocalManager):
            return True
        return manager.reaches(CITIZEN_NS, citizen_room(notice.conversation_id), notice.sender_sid)

    async def _citizen(self, conversation_id: str, event: str, data: Any, skip_sid: Any = None) -> None:
        await self.sio.emit(event, data, room=citizen_room(conversation_id), skip_sid=skip_sid, namespace=CITIZEN_NS)

    async def _looking_after(self, routing: Routing, event: str, data: dict[str, Any]) -> None:
        """Whoever looks after the conversation: its agent, or its department's queue.

        Supervisors follow other conversations through `live` and `open`, not through every
        message: with many agents a copy of each message per supervisor would dominate.
        """
        if routing.state == states.ASSIGNED and routing.agent_id is not None:
            await self.sio.emit(event, data, room=agent_room(routing.agent_id), namespace=AGENT_NS)
        elif routing.state == states.QUEUED and routing.department:
            await self.sio.emit(event, data, room=department_room(routing.department), namespace=AGENT_NS)

    async def _typing(self, notice: Typing) -> None:
        if notice.sender == "citizen":
            data = {"conversation_id": notice.routing.id, "typing": notice.typing}
            await self._looking_after(notice.routing, "typing", data)
        else:
            await self._citizen(notice.routing.id, "typing", {"sender": notice.sender, "typing": notice.typing})

    async def _queue(self, notice: QueueChanged) -> None:
        """The department's queue to its agents and supervisors, each waiting citizen their position."""
        payload = payloads.queue(notice.queue)
        await self.sio.emit("queue", payload, room=department_room(notice.queue.department), namespace=AGENT_NS)
        await self.sio.emit("queue", payload, room=SUPERVISORS_ROOM, namespace=AGENT_NS)
        for conversation_id, status in notice.queue.waiting:
            await self._citizen(conversation_id, "handoff_status", payloads.handoff_status(status))

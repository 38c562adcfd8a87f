"""Who owns a conversation, and which moves between owners are allowed (pure, no I/O).

bot ──handoff──> queued ──accept──> assigned ──hand_back──> bot
 │                 ^  │                │ │
 │                 │  └──hand_back──> bot │
 └──take_over──────┼──────────────> assigned
                   └──requeue/transfer───┘           any ──close──> closed ──reopen──> bot
"""

from __future__ import annotations

BOT = "bot"
QUEUED = "queued"
ASSIGNED = "assigned"
CLOSED = "closed"
STATES = (BOT, QUEUED, ASSIGNED, CLOSED)

OUTCOMES = ("resolved", "not_resolved", "case_created")
SENDERS = ("citizen", "bot", "agent", "system", "note")  # who wrote a message (notes: agents only)

# action -> (the states it may start from, the state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "handoff": ((BOT,), QUEUED),
    "accept": ((QUEUED,), ASSIGNED),
    "take_over": ((BOT, QUEUED), ASSIGNED),
    "transfer_to_department": ((QUEUED, ASSIGNED), QUEUED),
    "transfer_to_agent": ((QUEUED, ASSIGNED), ASSIGNED),
    "requeue": ((ASSIGNED,), QUEUED),
    "hand_back": ((QUEUED, ASSIGNED), BOT),
    "close": ((BOT, QUEUED, ASSIGNED), CLOSED),
    "reopen": ((CLOSED,), BOT),
}


def human_owns(state: str) -> bool:
    """While queued or assigned nothing goes to Rasa."""
    return state in (QUEUED, ASSIGNED)

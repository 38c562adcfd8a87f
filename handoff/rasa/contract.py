"""Turn Rasa's REST output into the messages a citizen sees (pure; docs/bot-contract.md).

A contract message (``custom`` with ``text``) becomes one message whose metadata is the contract;
plain messages pass through. The handoff's context is for agents only and never reaches the
citizen's browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

MAX_BUTTONS = 10


@dataclass(frozen=True)
class BotMessage:
    text: str
    quick_replies: list[dict[str, str]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)  # the contract, shown to the citizen
    handoff: Optional[dict[str, Any]] = None  # the full handoff (with context), for the gateway
    attachment: Optional[str] = None

    @property
    def stored_data(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.metadata)
        if self.quick_replies:
            data["quick_replies"] = self.quick_replies
        if self.attachment:
            data["attachment"] = self.attachment
        return data


def _buttons(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        return []
    result = []
    for button in raw[:MAX_BUTTONS]:
        if isinstance(button, dict) and isinstance(button.get("title"), str) and isinstance(button.get("payload"), str):
            result.append({"content_type": "text", "title": button["title"], "payload": button["payload"]})
    return result


def from_rest(replies: Any) -> list[BotMessage]:
    """The citizen-facing messages of one bot turn, in order."""
    if not isinstance(replies, list):
        return []
    messages: list[BotMessage] = []
    for reply in replies:
        if not isinstance(reply, dict):
            continue
        custom = reply.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("text"), str):
            metadata = {k: v for k, v in custom.items() if k not in ("text", "buttons")}
            handoff = metadata.get("handoff") if isinstance(metadata.get("handoff"), dict) else None
            if handoff is not None:
                metadata["handoff"] = {k: v for k, v in handoff.items() if k != "context"}
            messages.append(BotMessage(custom["text"], _buttons(custom.get("buttons")), metadata, handoff))
        elif isinstance(reply.get("text"), str) or reply.get("image") or reply.get("attachment"):
            attachment = reply.get("image") or reply.get("attachment")
            messages.append(
                BotMessage(
                    str(reply.get("text") or ""),
                    _buttons(reply.get("buttons")),
                    attachment=attachment if isinstance(attachment, str) else None,
                )
            )
    return messages


def handoff_of(messages: list[BotMessage]) -> Optional[dict[str, Any]]:
    for message in messages:
        if message.handoff is not None:
            return message.handoff
    return None

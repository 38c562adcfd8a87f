"""The machine-readable contract of a bot turn (see docs/bot-contract.md).

Each turn that answers from the KB, falls back, hands off or starts a form sends exactly one
message whose ``custom`` object carries the kind of turn *and* its text and buttons. Keeping
them in one object matters: Rasa's REST channel would otherwise split the text at blank lines
and deliver the custom object as a separate message.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from kb.model import Article, Department

Button = Dict[str, str]


def button(title: str, payload: str) -> Button:
    return {"title": title, "payload": payload}


def message(text: str, buttons: Optional[List[Button]] = None, **kind: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = dict(kind)
    body["text"] = text
    if buttons:
        body["buttons"] = buttons
    return body


def kb_answer(article: Article, department: Department, language: str) -> Dict[str, Any]:
    content = article.localized(language)
    return message(
        content.answer,
        kb_article=article.id,
        title=content.title,
        language=language if content is article.en else "de",
        department=department.id,
        department_name=department.display_name(language),
        documents=list(content.documents),
        fees=[{"label": fee.label, "amount": fee.amount} for fee in article.fees],
        processing_time=content.processing_time,
        online_service=article.online_service,
        related=list(article.related),
    )


def fallback(text: str, suggestions: List[str], buttons: List[Button], out_of_scope: bool = False) -> Dict[str, Any]:
    return message(text, buttons, fallback=True, suggestions=suggestions, out_of_scope=out_of_scope)


def handoff(
    text: str,
    reason: str,
    department: Department,
    live: bool,
    context: Dict[str, Any],
    buttons: Optional[List[Button]] = None,
) -> Dict[str, Any]:
    return message(
        text,
        buttons,
        handoff={
            "reason": reason,
            "department": department.id,
            "department_name": department.name,
            "live": live,
            "context": context,
        },
    )


def form_started(text: str, form: str) -> Dict[str, Any]:
    return message(text, form=form)

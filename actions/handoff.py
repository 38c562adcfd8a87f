"""Hand the conversation to a person, with everything an agent needs to pick it up."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import contract
from actions.knowledge import knowledge_base, language_of, latest_intent, latest_metadata, now
from actions.safe import SafeAction
from kb import hours, texts
from kb.model import CityProfile, Department

REASONS = ("explicit_request", "repeated_fallback", "complaint", "negative_feedback")
REASON_BY_INTENT = {
    "request_human": "explicit_request",
    "feedback_negative": "negative_feedback",
    "complain": "complaint",
    "nlu_fallback": "repeated_fallback",
    "out_of_scope": "repeated_fallback",
}
FORM_SLOTS = ("complaint_text", "complaint_contact")
CONTEXT_SLOTS = ("language", "department", "last_article")
RECENT_INTENTS = 5
SUMMARY_QUOTE = 200


def handoff_reason(tracker: Tracker) -> str:
    reason = tracker.get_slot("handoff_reason")
    if reason in REASONS:
        return str(reason)
    return REASON_BY_INTENT.get(latest_intent(tracker) or "", "explicit_request")


def recent_intents(tracker: Tracker, limit: int = RECENT_INTENTS) -> List[Dict[str, Any]]:
    """The latest user turns' intents, newest last, each with its confidence and runners-up."""
    result = []
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        intent = parse.get("intent") or {}
        if not intent.get("name"):
            continue
        ranking = [
            {"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0.0), 4)}
            for r in (parse.get("intent_ranking") or [])[:3]
        ]
        result.append(
            {
                "name": intent.get("name"),
                "confidence": round(float(intent.get("confidence") or 0.0), 4),
                "ranking": ranking,
            }
        )
    return result[-limit:]


def choose_department(tracker: Tracker, city: CityProfile, form: Dict[str, Any]) -> Department:
    """From what the citizen wrote in a form, else from the conversation, else the service centre."""
    for text in form.values():
        mentioned = city.department_mentioned(str(text))
        if mentioned:
            return mentioned
    latest_text = (tracker.latest_message or {}).get("text") or ""
    mentioned = city.department_mentioned(latest_text)
    if mentioned:
        return mentioned
    return city.department(tracker.get_slot("department"))


def summary(reason: str, tracker: Tracker, department: Department, form: Dict[str, Any]) -> str:
    kb = knowledge_base()
    parts = [texts.for_agents("summary_reason", reason=texts.for_agents(f"reason_{reason}"))]
    article = kb.article(tracker.get_slot("last_article"))
    if article:
        parts.append(texts.for_agents("summary_article", title=article.title, department=department.name))
    if form.get("complaint_text"):
        parts.append(texts.for_agents("summary_complaint", quote=_shorten(str(form["complaint_text"]))))
    else:
        last = _last_user_text(tracker)
        if last:
            parts.append(texts.for_agents("summary_last_message", quote=_shorten(last)))
    return " ".join(parts)


def _last_user_text(tracker: Tracker) -> Optional[str]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            text = event.get("text") or ""
            if text and not text.startswith("/"):
                return str(text)
    return None


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_QUOTE else text[: SUMMARY_QUOTE - 1] + "…"


def citizen_text(department: Department, live: bool, office_hours: str, language: str) -> str:
    name = department.display_name(language)
    if live:
        return texts.text("handoff_live", language, department=name)
    return texts.text(
        "handoff_closed",
        language,
        office_hours=office_hours,
        department=name,
        email=department.email,
        phone=department.phone,
    )


class ActionHandoff(SafeAction):
    def name(self) -> str:
        return "action_handoff"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = knowledge_base()
        city = kb.city
        language = language_of(tracker)
        reason = handoff_reason(tracker)
        form = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS if tracker.get_slot(slot)}
        department = choose_department(tracker, city, form)
        moment = now()
        live = hours.opening_state(city, department, moment).is_open
        context = {
            "summary": summary(reason, tracker, department, form),
            "intents": recent_intents(tracker),
            "slots": {s: tracker.get_slot(s) for s in CONTEXT_SLOTS if tracker.get_slot(s) is not None},
            "form": form,
            "language": language,
            "page": latest_metadata(tracker).get("page"),
            "office_hours": hours.describe_now(city, department, moment, "de"),
        }
        text = citizen_text(department, live, hours.describe_now(city, department, moment, language), language)
        dispatcher.utter_message(json_message=contract.handoff(text, reason, department, live, context))
        events: List[Dict[str, Any]] = [SlotSet("handoff_reason", None), SlotSet("department", department.id)]
        events += [SlotSet(slot, None) for slot in form]
        if tracker.active_loop.get("name"):
            events.append(ActiveLoop(None))
        return events

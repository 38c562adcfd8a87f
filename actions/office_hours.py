"""Office hours, computed for today from the city profile (the `oeffnungszeiten` article)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import contract
from actions.knowledge import knowledge_base, language_of, now
from actions.safe import SafeAction
from kb import hours, texts
from kb.model import Department

ARTICLE_ID = "oeffnungszeiten"


def office_hours_text(department: Optional[Department], language: str) -> Dict[str, Any]:
    """The answer and its facts; ``department`` None means an overview of all departments."""
    kb = knowledge_base()
    city = kb.city
    moment = now()
    lines: List[str] = []
    if department is not None:
        state = hours.opening_state(city, department, moment, language)
        lines.append(texts.text("office_hours_heading", language, department=department.display_name(language)))
        lines.append("")
        lines.extend(f"- {line}" for line in hours.weekly_hours(department, language).splitlines())
        lines.append("")
        lines.append(hours.describe_now(city, department, moment, language))
        lines.append(texts.text("office_hours_contact", language, phone=department.phone, email=department.email))
        return {
            "text": "\n".join(lines),
            "department": department.id,
            "open_now": state.is_open,
            "closed_reason": state.closed_reason,
        }

    day = hours.day_name(moment.date(), language)
    closure = hours.closure(city, moment.date(), language)
    if closure:
        lines.append(texts.text("all_closed_today", language, day=day, date=moment, closure=closure.name))
    else:
        lines.append(texts.text("open_today", language, day=day))
        lines.append("")
        open_today = 0
        for dep in city.departments.values():
            today = hours.hours_on(city, dep, moment.date())
            if today:
                open_today += 1
                lines.append(f"- {dep.display_name(language)}: {hours.format_ranges(today, language)}")
        if not open_today:
            lines.append("- " + texts.text("none_open_today", language))
    main = city.department(city.default_department)
    lines.append("")
    lines.append(hours.describe_now(city, main, moment, language))
    lines.append(texts.text("ask_for_an_office", language))
    state = hours.opening_state(city, main, moment)
    return {
        "text": "\n".join(lines),
        "department": None,
        "open_now": state.is_open,
        "closed_reason": closure.name if closure else None,
    }


class ActionOfficeHours(SafeAction):
    def name(self) -> str:
        return "action_office_hours"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = knowledge_base()
        text = (tracker.latest_message or {}).get("text") or ""
        department = kb.city.department_mentioned(text)
        if department is None and tracker.get_slot("department"):
            department = kb.city.department(tracker.get_slot("department"))
        language = language_of(tracker)
        answer = office_hours_text(department, language)
        article = kb.article(ARTICLE_ID)
        title = article.localized(language).title if article else texts.text("office_hours_title", language)
        dispatcher.utter_message(
            json_message=contract.message(
                answer["text"],
                kb_article=ARTICLE_ID,
                title=title,
                language=language,
                department=answer["department"],
                open_now=answer["open_now"],
                closed_reason=answer["closed_reason"],
            )
        )
        events: List[Dict[str, Any]] = [SlotSet("last_article", ARTICLE_ID)]
        if department is not None:
            events.append(SlotSet("department", department.id))
        return events

from typing import Callable

from rasa_sdk.executor import CollectingDispatcher

from actions.office_hours import ActionOfficeHours
from tests.actions.conftest import custom_of, domain, make_tracker


async def test_christmas_day_all_offices_closed(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-12-25T10:00:00+01:00")
    await ActionOfficeHours().run(dispatcher, make_tracker("Habt ihr heute offen?", "kb_oeffnungszeiten"), domain())

    custom = custom_of(dispatcher)
    assert custom["kb_article"] == "oeffnungszeiten"
    assert custom["open_now"] is False
    assert custom["closed_reason"] == "Erster Weihnachtstag"
    assert "Alle Ämter der Stadt sind geschlossen" in custom["text"]
    assert "Montag, 28.12., um 07:30 Uhr" in custom["text"]  # the service centre opens next


async def test_a_named_department_on_a_working_morning(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-11-30T09:15:00+01:00")  # a Monday
    tracker = make_tracker("Wann hat das Standesamt geöffnet?", "kb_oeffnungszeiten")
    events = await ActionOfficeHours().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    assert custom["department"] == "standesamt"
    assert custom["open_now"] is True
    assert "Donnerstag: 08:30–12:00 und 14:00–17:30" in custom["text"]
    assert "jetzt geöffnet, heute bis 12:00 Uhr" in custom["text"]
    assert {"event": "slot", "name": "department", "value": "standesamt", "timestamp": None} in events


async def test_lunch_break_says_when_it_opens_again(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-11-30T13:00:00+01:00")  # Monday, Bürgeramt closed 12:30-14:00
    tracker = make_tracker("Öffnungszeiten Bürgeramt", "kb_oeffnungszeiten")
    await ActionOfficeHours().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    assert custom["open_now"] is False
    assert "Wieder geöffnet heute um 14:00 Uhr" in custom["text"]


async def test_the_conversations_department_is_used_when_none_is_named(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-11-28T10:00:00+01:00")  # Saturday: only the Bürgeramt opens
    tracker = make_tracker("wann habt ihr auf", "kb_oeffnungszeiten", slots={"department": "strassenverkehrsamt"})
    await ActionOfficeHours().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    assert custom["department"] == "strassenverkehrsamt"
    assert custom["open_now"] is False
    assert "Wieder geöffnet Montag, 30.11., um 07:30 Uhr" in custom["text"]


async def test_overview_lists_todays_open_departments(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-11-28T10:00:00+01:00")  # Saturday
    await ActionOfficeHours().run(dispatcher, make_tracker("Öffnungszeiten?", "kb_oeffnungszeiten"), domain())

    text = custom_of(dispatcher)["text"]
    assert "Heute (Samstag) geöffnet" in text
    assert "- Bürgeramt: 09:00–12:00" in text
    assert "Standesamt" not in text.split("Fragen Sie")[0]


async def test_english(dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]) -> None:
    freeze_time("2026-12-25T10:00:00+01:00")
    tracker = make_tracker("are you open today", "kb_oeffnungszeiten", slots={"language": "en"})
    await ActionOfficeHours().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    assert "all city offices are closed" in custom["text"]
    assert custom["closed_reason"] == "Christmas Day"
    assert custom["text"].startswith("Today (Friday, 25/12) is Christmas Day: all city offices are closed.")

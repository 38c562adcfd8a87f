"""Office hours: is a department open at a moment, when does it open next, said in words.

Aware of weekends (a department without hours on a weekday is closed that day), the state's
public holidays and the city's extra closing days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from kb.holidays import holiday_name
from kb.model import WEEKDAYS, CityProfile, Department, TimeRange

DAY_NAMES = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
CLOSED_DAY_NAMES = {"12-24": "Heiligabend", "12-31": "Silvester"}
LOOKAHEAD_DAYS = 21


@dataclass(frozen=True)
class OpeningState:
    is_open: bool
    today: Tuple[TimeRange, ...]  # today's hours (empty when closed all day)
    closed_reason: Optional[str]  # holiday or closing day name when closed all day
    closes_at: Optional[dt.datetime]  # when open: end of the current range
    next_opening: Optional[dt.datetime]  # when closed: start of the next range


def closure_reason(city: CityProfile, day: dt.date) -> Optional[str]:
    """Why the whole administration is closed on ``day`` (holiday or closing day), or None."""
    name = holiday_name(day, city.state)
    if name:
        return name
    key = f"{day.month:02d}-{day.day:02d}"
    if key in city.closed_days:
        return CLOSED_DAY_NAMES.get(key, "Schließtag")
    return None


def hours_on(city: CityProfile, department: Department, day: dt.date) -> Tuple[TimeRange, ...]:
    if closure_reason(city, day):
        return ()
    return department.hours.get(WEEKDAYS[day.weekday()], ())


def opening_state(city: CityProfile, department: Department, moment: dt.datetime) -> OpeningState:
    """The department's state at ``moment`` (an aware datetime; converted to the city's zone)."""
    local = moment.astimezone(ZoneInfo(city.timezone))
    today = hours_on(city, department, local.date())
    for time_range in today:
        if time_range.contains(local.time().replace(tzinfo=None)):
            closes = dt.datetime.combine(local.date(), time_range.end, tzinfo=local.tzinfo)
            return OpeningState(True, today, None, closes, None)
    return OpeningState(False, today, closure_reason(city, local.date()), None, next_opening(city, department, local))


def next_opening(city: CityProfile, department: Department, local: dt.datetime) -> Optional[dt.datetime]:
    for offset in range(LOOKAHEAD_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        for time_range in hours_on(city, department, day):
            start = dt.datetime.combine(day, time_range.start, tzinfo=local.tzinfo)
            if start > local:
                return start
    return None


def format_moment(moment: dt.datetime, now: dt.datetime, language: str = "de") -> str:
    """'heute um 14:00 Uhr', 'morgen um 08:00 Uhr', 'Montag, 30.11., um 08:00 Uhr'."""
    days = (moment.date() - now.date()).days
    if language == "en":
        clock = moment.strftime("%H:%M")
        if days == 0:
            return f"today at {clock}"
        if days == 1:
            return f"tomorrow at {clock}"
        return f"{DAY_NAMES['en'][moment.weekday()]}, {moment:%d/%m}, at {clock}"
    clock = moment.strftime("%H:%M")
    if days == 0:
        return f"heute um {clock} Uhr"
    if days == 1:
        return f"morgen um {clock} Uhr"
    return f"{DAY_NAMES['de'][moment.weekday()]}, {moment:%d.%m.}, um {clock} Uhr"


def format_ranges(ranges: Tuple[TimeRange, ...], language: str = "de") -> str:
    joiner = " and " if language == "en" else " und "
    return joiner.join(r.format() for r in ranges)


def weekly_hours(department: Department, language: str = "de") -> str:
    """One line per weekday with hours, e.g. 'Montag: 08:00–12:30 und 14:00–16:00'."""
    lines = []
    for index, key in enumerate(WEEKDAYS):
        ranges = department.hours.get(key, ())
        if ranges:
            lines.append(f"{DAY_NAMES[language][index]}: {format_ranges(ranges, language)}")
    return "\n".join(lines)


def describe_now(city: CityProfile, department: Department, now: dt.datetime, language: str = "de") -> str:
    """A sentence on whether the department is open now and, if not, when it opens next."""
    state = opening_state(city, department, now)
    name = department.display_name(language)
    if language == "en":
        if state.is_open and state.closes_at:
            return f"{name} is open now, until {state.closes_at:%H:%M}."
        reason = f" (today is {state.closed_reason}, a public holiday)" if state.closed_reason else ""
        nxt = f" It opens again {format_moment(state.next_opening, now, 'en')}." if state.next_opening else ""
        return f"{name} is closed right now{reason}.{nxt}"
    if state.is_open and state.closes_at:
        return f"{name} ist jetzt geöffnet, heute bis {state.closes_at:%H:%M} Uhr."
    reason = f" (heute ist {state.closed_reason})" if state.closed_reason else ""
    nxt = f" Wieder geöffnet {format_moment(state.next_opening, now)}." if state.next_opening else ""
    return f"{name} ist gerade geschlossen{reason}.{nxt}"

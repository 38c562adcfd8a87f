"""Office hours: is a department open at a moment, when does it open next, said in words.

Aware of weekends (a department without hours on a weekday is closed that day), the state's
public holidays (``kb.holidays``) and the city's own closing days (``closed_days``). The
sentences come from ``kb.texts``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from kb import texts
from kb.holidays import holiday_name
from kb.model import WEEKDAYS, CityProfile, Department, TimeRange

LOOKAHEAD_DAYS = 21


@dataclass(frozen=True)
class Closure:
    """Why the whole administration is closed on a day."""

    name: str  # the holiday's or closing day's name
    public_holiday: bool  # False: one of the city's own closing days


@dataclass(frozen=True)
class OpeningState:
    is_open: bool
    today: Tuple[TimeRange, ...]  # today's hours (empty when closed all day)
    closure: Optional[Closure]  # when closed all day for a holiday or closing day
    closes_at: Optional[dt.datetime]  # when open: end of the current range
    next_opening: Optional[dt.datetime]  # when closed: start of the next range

    @property
    def closed_reason(self) -> Optional[str]:
        """The holiday or closing day name when closed all day."""
        return self.closure.name if self.closure else None


def day_name(day: dt.date, language: str = "de") -> str:
    return texts.text(f"day_{WEEKDAYS[day.weekday()]}", language)


def closure(city: CityProfile, day: dt.date, language: str = "de") -> Optional[Closure]:
    """Why the whole administration is closed on ``day`` (holiday or closing day), or None."""
    name = holiday_name(day, city.state, city.holiday_region, city.catholic_holidays, language)
    if name:
        return Closure(name, public_holiday=True)
    key = f"{day.month:02d}-{day.day:02d}"
    if key in city.closed_days:
        named = f"closing_day_{key}"
        return Closure(texts.text(named if named in texts.GERMAN else "closing_day", language), public_holiday=False)
    return None


def hours_on(city: CityProfile, department: Department, day: dt.date) -> Tuple[TimeRange, ...]:
    if closure(city, day):
        return ()
    return department.hours.get(WEEKDAYS[day.weekday()], ())


def opening_state(city: CityProfile, department: Department, moment: dt.datetime, language: str = "de") -> OpeningState:
    """The department's state at ``moment`` (an aware datetime; converted to the city's zone).

    ``language`` is the one of the closure's name.
    """
    local = moment.astimezone(ZoneInfo(city.timezone))
    today = hours_on(city, department, local.date())
    for time_range in today:
        if time_range.contains(local.time().replace(tzinfo=None)):
            closes = dt.datetime.combine(local.date(), time_range.end, tzinfo=local.tzinfo)
            return OpeningState(True, today, None, closes, None)
    return OpeningState(
        False, today, closure(city, local.date(), language), None, next_opening(city, department, local)
    )


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
    if days == 0:
        return texts.text("moment_today", language, time=moment)
    if days == 1:
        return texts.text("moment_tomorrow", language, time=moment)
    return texts.text("moment_later", language, day=day_name(moment.date(), language), time=moment)


def format_ranges(ranges: Tuple[TimeRange, ...], language: str = "de") -> str:
    return f" {texts.text('and', language)} ".join(r.format() for r in ranges)


def weekly_hours(department: Department, language: str = "de") -> str:
    """One line per weekday with hours, e.g. 'Montag: 08:00–12:30 und 14:00–16:00'."""
    lines = []
    for key in WEEKDAYS:
        ranges = department.hours.get(key, ())
        if ranges:
            day = texts.text(f"day_{key}", language)
            lines.append(texts.text("day_hours", language, day=day, ranges=format_ranges(ranges, language)))
    return "\n".join(lines)


def describe_now(city: CityProfile, department: Department, now: dt.datetime, language: str = "de") -> str:
    """A sentence on whether the department is open now and, if not, when it opens next."""
    state = opening_state(city, department, now, language)
    name = department.display_name(language)
    if state.is_open and state.closes_at:
        return texts.text("open_now", language, department=name, until=state.closes_at)
    reason = ""
    if state.closure:
        kind = "closed_for_holiday" if state.closure.public_holiday else "closed_for_closing_day"
        reason = texts.text(kind, language, name=state.closure.name)
    when = ""
    if state.next_opening:
        when = texts.text("opens_again", language, when=format_moment(state.next_opening, now, language))
    return texts.text("closed_now", language, department=name, reason=reason, next=when)


def is_working_day(city: CityProfile, day: dt.date) -> bool:
    """Monday to Friday, neither a public holiday nor one of the city's closing days."""
    return day.weekday() < 5 and closure(city, day) is None


def case_due(city: CityProfile, department_id: Optional[str], received: dt.datetime) -> dt.datetime:
    """When a case is due: at the end of the department's n-th working day after the day it
    came in (its service level), in the city's time zone. Received on a Saturday night with two
    working days, it is due at the end of Tuesday; a holiday in between moves it on by a day."""
    zone = ZoneInfo(city.timezone)
    day = received.astimezone(zone).date()
    remaining = city.service_level(department_id)
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(city, day):
            remaining -= 1
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)


def due_day(city: CityProfile, due: dt.datetime, language: str = "de") -> str:
    """The last working day before ``due`` (which is that day's midnight), in words:
    "Dienstag, 08.12.2026" / "Tuesday, 8 December 2026"."""
    day = (due.astimezone(ZoneInfo(city.timezone)) - dt.timedelta(minutes=1)).date()
    if language == "en":
        return f"{day_name(day, 'en')}, {day.day} {day.strftime('%B %Y')}"
    return f"{day_name(day, 'de')}, {day.strftime('%d.%m.%Y')}"

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

import kb
from kb import hours
from kb.holidays import easter_sunday, holiday_name, public_holidays

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN)


@pytest.fixture(scope="module")
def city() -> kb.CityProfile:
    return kb.load().city


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, dt.date(2024, 3, 31)),
        (2025, dt.date(2025, 4, 20)),
        (2026, dt.date(2026, 4, 5)),
        (2027, dt.date(2027, 3, 28)),
        (2038, dt.date(2038, 4, 25)),
    ],
)
def test_easter(year: int, expected: dt.date) -> None:
    assert easter_sunday(year) == expected


def test_nrw_holidays_2026() -> None:
    days = public_holidays(2026, "NW")
    assert sorted(days) == [
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 3),
        dt.date(2026, 4, 6),
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 14),
        dt.date(2026, 5, 25),
        dt.date(2026, 6, 4),
        dt.date(2026, 10, 3),
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 25),
        dt.date(2026, 12, 26),
    ]
    assert days[dt.date(2026, 6, 4)] == "Fronleichnam"


def test_regional_holidays_differ_by_state() -> None:
    assert holiday_name(dt.date(2026, 6, 4), "BE") is None
    assert holiday_name(dt.date(2026, 10, 31), "NW") is None
    assert holiday_name(dt.date(2026, 10, 31), "NI") == "Reformationstag"
    assert holiday_name(dt.date(2026, 11, 18), "SN") == "Buß- und Bettag"
    assert holiday_name(dt.date(2026, 3, 8), "BE") == "Internationaler Frauentag"
    with pytest.raises(ValueError, match="unknown German state"):
        public_holidays(2026, "XX")


def test_open_during_hours(city: kb.CityProfile) -> None:
    buergeramt = city.departments["buergeramt"]
    state = hours.opening_state(city, buergeramt, at("2026-11-30T09:00"))
    assert state.is_open
    assert state.closes_at == at("2026-11-30T12:30")


def test_closed_in_the_lunch_break_opens_the_same_day(city: kb.CityProfile) -> None:
    state = hours.opening_state(city, city.departments["buergeramt"], at("2026-11-30T12:30"))
    assert not state.is_open
    assert state.closed_reason is None
    assert state.next_opening == at("2026-11-30T14:00")


def test_saturday_and_sunday(city: kb.CityProfile) -> None:
    assert hours.opening_state(city, city.departments["buergeramt"], at("2026-11-28T10:00")).is_open
    assert not hours.opening_state(city, city.departments["standesamt"], at("2026-11-28T10:00")).is_open
    sunday = hours.opening_state(city, city.departments["buergeramt"], at("2026-11-29T10:00"))
    assert not sunday.is_open and sunday.next_opening == at("2026-11-30T08:00")


def test_holiday_and_closing_days(city: kb.CityProfile) -> None:
    service = city.departments["buergerservice"]
    christmas = hours.opening_state(city, service, at("2026-12-24T10:00"))  # Thursday, Heiligabend
    assert not christmas.is_open
    assert christmas.closed_reason == "Heiligabend"
    assert christmas.next_opening == at("2026-12-28T07:30")  # 25./26. holidays, 27. Sunday
    corpus_christi = hours.opening_state(city, service, at("2026-06-04T10:00"))
    assert corpus_christi.closed_reason == "Fronleichnam"


def test_time_zone_is_the_citys(city: kb.CityProfile) -> None:
    utc = dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.timezone.utc)  # 08:30 in Musterstadt
    assert hours.opening_state(city, city.departments["buergeramt"], utc).is_open


def test_describe_now(city: kb.CityProfile) -> None:
    now = at("2026-12-25T10:00")
    text = hours.describe_now(city, city.departments["buergeramt"], now)
    # 26.12. is a holiday too, 27.12. a Sunday
    assert (
        text == "Bürgeramt ist gerade geschlossen (heute ist 1. Weihnachtstag). "
        "Wieder geöffnet Montag, 28.12., um 08:00 Uhr."
    )
    english = hours.describe_now(city, city.departments["buergeramt"], at("2026-11-30T09:00"), "en")
    assert english == "Residents' Registration Office is open now, until 12:30."


def test_department_mentioned(city: kb.CityProfile) -> None:
    assert city.department_mentioned("Wann hat die Zulassungsstelle auf?").id == "strassenverkehrsamt"  # type: ignore[union-attr]
    assert city.department_mentioned("Öffnungszeiten?") is None
    assert city.department_mentioned("Standesamt oder Bürgeramt?") is None

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from holidays.countries.germany import Germany

import kb
from kb import hours
from kb.holidays import REGIONS, STATES, holiday_name

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN)


@pytest.fixture(scope="module")
def city() -> kb.CityProfile:
    return kb.load().city


def test_nrw_holidays_2026() -> None:
    year = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    assert [day for day in year if holiday_name(day, "NW")] == [
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
    assert holiday_name(dt.date(2026, 6, 4), "NW") == "Fronleichnam"


def test_regional_holidays_differ_by_state() -> None:
    assert holiday_name(dt.date(2026, 6, 4), "BE") is None
    assert holiday_name(dt.date(2026, 10, 31), "NW") is None
    assert holiday_name(dt.date(2026, 10, 31), "NI") == "Reformationstag"
    assert holiday_name(dt.date(2026, 11, 18), "SN") == "Buß- und Bettag"
    assert holiday_name(dt.date(2026, 3, 8), "BE") == "Internationaler Frauentag"
    with pytest.raises(ValueError, match="unknown German state"):
        holiday_name(dt.date(2026, 1, 1), "XX")


def test_one_off_holidays_such_as_8_may_2025_in_berlin() -> None:
    name = holiday_name(dt.date(2025, 5, 8), "BE")
    assert name is not None and "Befreiung vom Nationalsozialismus" in name
    assert holiday_name(dt.date(2020, 5, 8), "BE") is not None
    assert holiday_name(dt.date(2026, 5, 8), "BE") is None
    assert holiday_name(dt.date(2025, 5, 8), "BB") is None
    assert holiday_name(dt.date(2017, 10, 31), "NW") == "Reformationstag"  # 500 years, everywhere
    assert holiday_name(dt.date(2018, 10, 31), "NW") is None


@pytest.mark.parametrize(
    ("day", "state", "introduced"),
    [
        (dt.date(2019, 3, 8), "BE", True),  # Internationaler Frauentag in Berlin since 2019
        (dt.date(2018, 3, 8), "BE", False),
        (dt.date(2023, 3, 8), "MV", True),  # ... in Mecklenburg-Vorpommern since 2023
        (dt.date(2022, 3, 8), "MV", False),
        (dt.date(2019, 9, 20), "TH", True),  # Weltkindertag in Thüringen since 2019
        (dt.date(2018, 9, 20), "TH", False),
        (dt.date(2018, 10, 31), "NI", True),  # Reformationstag in Niedersachsen since 2018
        (dt.date(2016, 10, 31), "NI", False),
        (dt.date(1994, 11, 16), "NW", True),  # Buß- und Bettag: dropped in 1995 except in Sachsen
        (dt.date(1995, 11, 22), "NW", False),
        (dt.date(1995, 11, 22), "SN", True),
    ],
)
def test_a_holiday_counts_only_while_the_law_has_it(day: dt.date, state: str, introduced: bool) -> None:
    assert (holiday_name(day, state) is not None) is introduced


def test_a_region_below_state_level_and_catholic_municipalities() -> None:
    peace_festival = dt.date(2026, 8, 8)
    assert holiday_name(peace_festival, "BY") is None
    assert holiday_name(peace_festival, "BY", region="Augsburg") == "Augsburger Hohes Friedensfest"
    assert holiday_name(peace_festival, "BY", region="Augsburg", language="en") == "Augsburg Peace Festival"
    assumption = dt.date(2026, 8, 15)
    assert holiday_name(assumption, "BY") is None
    assert holiday_name(assumption, "BY", catholic=True) == "Mariä Himmelfahrt"
    assert holiday_name(assumption, "BY", region="Augsburg", catholic=True) == "Mariä Himmelfahrt"
    assert holiday_name(dt.date(2026, 6, 4), "SN", catholic=True) == "Fronleichnam"
    with pytest.raises(ValueError, match="unknown region"):
        holiday_name(peace_festival, "NW", region="Augsburg")


def test_names_in_english_and_two_holidays_on_one_day() -> None:
    assert holiday_name(dt.date(2026, 12, 25), "NW", language="en") == "Christmas Day"
    assert holiday_name(dt.date(2026, 6, 4), "NW", language="en") == "Corpus Christi"
    assert holiday_name(dt.date(2008, 5, 1), "NW") == "Christi Himmelfahrt und Erster Mai"
    assert holiday_name(dt.date(2008, 5, 1), "NW", language="en") == "Ascension Day and Labor Day"


def test_every_region_of_the_package_is_known_with_its_state() -> None:
    regions = {s for s in Germany.subdivisions if s not in STATES}
    assert regions == set(REGIONS)
    assert set(REGIONS.values()) <= set(STATES)


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
    assert christmas.closure == hours.Closure("Heiligabend", public_holiday=False)
    assert christmas.next_opening == at("2026-12-28T07:30")  # 25./26. holidays, 27. Sunday
    corpus_christi = hours.opening_state(city, service, at("2026-06-04T10:00"))
    assert corpus_christi.closure == hours.Closure("Fronleichnam", public_holiday=True)
    assert hours.opening_state(city, service, at("2026-06-04T10:00"), "en").closed_reason == "Corpus Christi"


def test_the_citys_own_closing_days(city: kb.CityProfile) -> None:
    assert city.closed_days == ("12-24", "12-31")
    assert hours.closure(city, dt.date(2026, 12, 31)) == hours.Closure("Silvester", public_holiday=False)
    assert hours.closure(city, dt.date(2026, 12, 31), "en") == hours.Closure("New Year's Eve", public_holiday=False)
    assert hours.closure(city, dt.date(2026, 12, 30)) is None
    carnival = replace(city, closed_days=("02-16",))  # Rosenmontag 2026, a closing day without a name of its own
    assert hours.closure(carnival, dt.date(2026, 2, 16)) == hours.Closure("Schließtag", public_holiday=False)
    assert hours.closure(carnival, dt.date(2026, 12, 24)) is None
    english = hours.describe_now(city, city.departments["buergeramt"], at("2026-12-24T10:00"), "en")
    assert english.startswith("Residents' Registration Office is closed right now (today is Christmas Eve).")


def test_office_hours_follow_the_package_s_holidays(city: kb.CityProfile) -> None:
    buergeramt = city.departments["buergeramt"]
    liberation_day = at("2025-05-08T10:00")  # a Thursday
    assert hours.opening_state(city, buergeramt, liberation_day).is_open  # not a holiday in NW
    berlin = replace(city, state="BE")
    closed = hours.opening_state(berlin, buergeramt, liberation_day)
    assert not closed.is_open and closed.closure is not None and closed.closure.public_holiday
    assert closed.next_opening == at("2025-05-09T08:00")
    peace_festival = at("2026-08-08T10:00")  # a Saturday: the Bürgeramt opens 09:00-12:00
    assert hours.opening_state(replace(city, state="BY"), buergeramt, peace_festival).is_open
    augsburg = replace(city, state="BY", holiday_region="Augsburg")
    assert hours.opening_state(augsburg, buergeramt, peace_festival).closed_reason == "Augsburger Hohes Friedensfest"
    assert hours.hours_on(augsburg, buergeramt, peace_festival.date()) == ()
    text = hours.describe_now(augsburg, buergeramt, peace_festival, "en")
    assert "(today is Augsburg Peace Festival, a public holiday)" in text


def test_time_zone_is_the_citys(city: kb.CityProfile) -> None:
    utc = dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.timezone.utc)  # 08:30 in Musterstadt
    assert hours.opening_state(city, city.departments["buergeramt"], utc).is_open


def test_describe_now(city: kb.CityProfile) -> None:
    now = at("2026-12-25T10:00")
    text = hours.describe_now(city, city.departments["buergeramt"], now)
    # 26.12. is a holiday too, 27.12. a Sunday
    assert (
        text == "Bürgeramt ist gerade geschlossen (heute ist Erster Weihnachtstag). "
        "Wieder geöffnet Montag, 28.12., um 08:00 Uhr."
    )
    english = hours.describe_now(city, city.departments["buergeramt"], at("2026-11-30T09:00"), "en")
    assert english == "Residents' Registration Office is open now, until 12:30."


def test_department_mentioned(city: kb.CityProfile) -> None:
    assert city.department_mentioned("Wann hat die Zulassungsstelle auf?").id == "strassenverkehrsamt"  # type: ignore[union-attr]
    assert city.department_mentioned("Öffnungszeiten?") is None
    assert city.department_mentioned("Standesamt oder Bürgeramt?") is None


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-12-05 22:00", "2026-12-09"),  # Saturday night: Monday and Tuesday, due at the end of Tuesday
        ("2026-12-07 08:00", "2026-12-10"),  # Monday morning: Tuesday and Wednesday (the date is the midnight after)
        ("2026-12-23 15:00", "2026-12-30"),  # Christmas: closing day 24th, holidays 25th and 26th, weekend
        ("2026-04-02 12:00", "2026-04-09"),  # Thursday before Easter: Good Friday, Easter Monday; Tue, Wed
    ],
)
def test_a_case_is_due_after_the_service_level_in_working_days(city: kb.CityProfile, received: str, due: str) -> None:
    moment = at(received)
    deadline = hours.case_due(city, "buergeramt", moment)
    assert deadline.tzinfo is not None and deadline > moment
    assert deadline.astimezone(ZoneInfo(city.timezone)) == dt.datetime.fromisoformat(f"{due} 00:00").replace(
        tzinfo=ZoneInfo(city.timezone)
    )
    assert not hours.is_working_day(city, dt.date(2026, 12, 25)) and hours.is_working_day(city, dt.date(2026, 12, 28))

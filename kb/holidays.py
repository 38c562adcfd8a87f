"""Public holidays of the German states (gesetzliche Feiertage), computed, no data files."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Dict

STATES = {
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "BE": "Berlin",
    "BB": "Brandenburg",
    "HB": "Bremen",
    "HH": "Hamburg",
    "HE": "Hessen",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}

# Holidays that only some states keep: name -> states.
_REGIONAL_FIXED = {
    (1, 6): ("Heilige Drei Könige", {"BW", "BY", "ST"}),
    (3, 8): ("Internationaler Frauentag", {"BE", "MV"}),
    (8, 15): ("Mariä Himmelfahrt", {"SL"}),
    (9, 20): ("Weltkindertag", {"TH"}),
    (10, 31): ("Reformationstag", {"BB", "HB", "HH", "MV", "NI", "SN", "ST", "SH", "TH"}),
    (11, 1): ("Allerheiligen", {"BW", "BY", "NW", "RP", "SL"}),
}
_NATIONAL_FIXED = {
    (1, 1): "Neujahr",
    (5, 1): "Tag der Arbeit",
    (10, 3): "Tag der Deutschen Einheit",
    (12, 25): "1. Weihnachtstag",
    (12, 26): "2. Weihnachtstag",
}


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int, state: str) -> Dict[dt.date, str]:
    """The statutory public holidays of ``state`` (e.g. "NW") in ``year``."""
    if state not in STATES:
        raise ValueError(f"unknown German state code {state!r}")
    days: Dict[dt.date, str] = {dt.date(year, m, d): name for (m, d), name in _NATIONAL_FIXED.items()}
    for (month, day), (name, states) in _REGIONAL_FIXED.items():
        if state in states:
            days[dt.date(year, month, day)] = name
    easter = easter_sunday(year)
    days[easter - dt.timedelta(days=2)] = "Karfreitag"
    days[easter + dt.timedelta(days=1)] = "Ostermontag"
    days[easter + dt.timedelta(days=39)] = "Christi Himmelfahrt"
    days[easter + dt.timedelta(days=50)] = "Pfingstmontag"
    if state == "BB":
        days[easter] = "Ostersonntag"
        days[easter + dt.timedelta(days=49)] = "Pfingstsonntag"
    if state in {"BW", "BY", "HE", "NW", "RP", "SL"}:
        days[easter + dt.timedelta(days=60)] = "Fronleichnam"
    if state == "SN":
        # Buß- und Bettag: the Wednesday before 23 November.
        nov23 = dt.date(year, 11, 23)
        days[nov23 - dt.timedelta(days=(nov23.weekday() - 2) % 7 or 7)] = "Buß- und Bettag"
    return days


def holiday_name(day: dt.date, state: str) -> str | None:
    return public_holidays(day.year, state).get(day)

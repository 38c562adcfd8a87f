"""Public holidays (gesetzliche Feiertage) of a German state, from the ``holidays`` package.

The package knows when each holiday was introduced or dropped (Frauentag in Berlin since 2019,
the one-off 8 May 2020 and 2025 in Berlin, Reformationstag everywhere in 2017, …), holidays of
regions below state level (the Augsburger Hohes Friedensfest) and those kept only where most
people are Catholic (Mariä Himmelfahrt in Bavaria, Fronleichnam in parts of Saxony and
Thuringia), with names in German and English. The city's own closing days are not holidays:
``kb.hours`` adds them.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from holidays.constants import CATHOLIC, PUBLIC
from holidays.countries.germany import Germany

from kb import texts

# state code -> German name, as the package spells them ("NW": "Nordrhein-Westfalen")
STATES: Dict[str, str] = {code: name for name, code in Germany.subdivisions_aliases.items()}
# regions below state level with holidays of their own (the package's other subdivisions) -> state
REGIONS: Dict[str, str] = {"Augsburg": "BY"}
# our language codes -> the package's
LANGUAGES: Dict[str, str] = {"de": "de", "en": "en_US"}


@lru_cache(maxsize=64)
def _year(year: int, state: str, region: Optional[str], catholic: bool, language: str) -> Dict[dt.date, List[str]]:
    if state not in STATES:
        raise ValueError(f"unknown German state code {state!r}")
    if region is not None and REGIONS.get(region) != state:
        raise ValueError(f"unknown region {region!r} of {state!r}")
    code = LANGUAGES.get(language, "de")
    days: Dict[dt.date, List[str]] = {}
    calendars = [Germany(subdiv=region or state, years=year, categories=PUBLIC, language=code)]
    if catholic:
        calendars.append(Germany(subdiv=state, years=year, categories=CATHOLIC, language=code))
    for calendar in calendars:
        for day in calendar:
            names = days.setdefault(day, [])
            names += [name for name in calendar.get_list(day) if name not in names]
    return days


def holiday_name(
    day: dt.date, state: str, region: Optional[str] = None, catholic: bool = False, language: str = "de"
) -> Optional[str]:
    """The name of the public holiday on ``day`` in ``state`` (e.g. "NW"), or None on a working day.

    ``region``: a region of the state with holidays of its own (``REGIONS``); ``catholic``: the
    municipality also keeps the holidays of predominantly Catholic ones; ``language``: "de" or "en".
    """
    names = _year(day.year, state, region, catholic, language).get(day)
    return _joined(names, language) if names else None


def _joined(names: List[str], language: str) -> str:
    """Two holidays on one day (Christi Himmelfahrt on 1 May 2008) are named together."""
    return f" {texts.text('and', language)} ".join(names)


def catholic_states(year: int) -> Tuple[str, ...]:
    """The states where some municipalities keep an extra holiday for being mostly Catholic."""
    return tuple(state for state in STATES if len(Germany(subdiv=state, years=year, categories=CATHOLIC)))

"""Typed, immutable records for articles, departments and the city profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Fee:
    label: str
    amount: float  # euros; 0 means free of charge


@dataclass(frozen=True)
class Localized:
    """The parts of an article that exist per language."""

    title: str
    answer: str
    documents: Tuple[str, ...] = ()
    processing_time: Optional[str] = None


@dataclass(frozen=True)
class Article:
    id: str
    department: str
    de: Localized
    questions: Tuple[str, ...]
    en: Optional[Localized] = None
    questions_en: Tuple[str, ...] = ()
    fees: Tuple[Fee, ...] = ()
    online_service: Optional[str] = None
    leika: Optional[str] = None
    related: Tuple[str, ...] = ()
    keywords: Tuple[str, ...] = ()
    source: str = ""  # the file it was read from, for error messages

    @property
    def title(self) -> str:
        return self.de.title

    def localized(self, language: str) -> Localized:
        """The article in ``language`` when the KB has it, otherwise German."""
        if language == "en" and self.en is not None:
            return self.en
        return self.de

    @property
    def intent(self) -> str:
        return intent_for(self.id)


INTENT_PREFIX = "kb_"


def intent_for(article_id: str) -> str:
    """The Rasa intent trained from an article's example questions."""
    return INTENT_PREFIX + article_id


def article_id_of(intent: Optional[str]) -> Optional[str]:
    if intent and intent.startswith(INTENT_PREFIX):
        return intent[len(INTENT_PREFIX) :]
    return None


@dataclass(frozen=True)
class TimeRange:
    start: dt.time
    end: dt.time

    def contains(self, moment: dt.time) -> bool:
        return self.start <= moment < self.end

    def format(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    email: str
    phone: str
    address: str = ""
    name_en: Optional[str] = None
    aliases: Tuple[str, ...] = ()  # words citizens use for it: "Einwohnermeldeamt", "Zulassungsstelle"
    hours: Dict[str, Tuple[TimeRange, ...]] = field(default_factory=dict)
    max_queue: Optional[int] = None  # waiting citizens at most; None: the gateway's MAX_QUEUE_LENGTH
    service_level_days: Optional[int] = None  # working days to answer a case; None: the city's

    def display_name(self, language: str = "de") -> str:
        if language == "en" and self.name_en:
            return self.name_en
        return self.name


@dataclass(frozen=True)
class CityProfile:
    city: str
    state: str
    timezone: str
    website: str
    phone: str
    default_department: str
    departments: Dict[str, Department]
    closed_days: Tuple[str, ...] = ()  # "MM-DD"
    holiday_region: Optional[str] = None  # a region of the state with holidays of its own ("Augsburg")
    catholic_holidays: bool = False  # also the holidays of predominantly Catholic municipalities
    case_prefix: str = "XX"  # of case reference numbers: "MS" in MS-2026-000123
    complaints_department: Optional[str] = None  # where complaints go without a department; None: default
    privacy_url: Optional[str] = None  # the privacy notice citizens consent to (forms for cases)
    service_level_days: int = 2  # working days to answer a case, unless its department says otherwise

    def service_level(self, department_id: Optional[str]) -> int:
        """Working days within which a case of the department is due."""
        own = self.department(department_id).service_level_days
        return own if own is not None else self.service_level_days

    def department(self, department_id: Optional[str]) -> Department:
        """The department, or the city's default one for an unknown or empty id."""
        if department_id and department_id in self.departments:
            return self.departments[department_id]
        return self.departments[self.default_department]

    def department_mentioned(self, text: str) -> Optional[Department]:
        """The department a message names (by id, name or alias), if exactly one is named."""
        lowered = text.lower()
        found = []
        for department in self.departments.values():
            names = (department.id, department.name.split(" (")[0], *department.aliases)
            if any(name.lower() in lowered for name in names if len(name) >= 3):
                found.append(department)
        return found[0] if len(found) == 1 else None

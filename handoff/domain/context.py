"""What every part of the domain works with: the store, Rasa, who is online, the city, the settings
and the clock. Built once by the application (handoff/app.py), or by a test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from handoff.db.presence import Presence
from handoff.db.store import Store
from handoff.mail.outbox import Outbox
from handoff.rasa.client import RasaClient
from handoff.rasa.tracker import RasaTracker
from handoff.settings import Settings
from kb.model import CityProfile, Department


@dataclass
class Context:
    store: Store
    rasa: RasaClient
    presence: Presence
    city: CityProfile
    settings: Settings
    now: Callable[[], dt.datetime]  # the office-hours clock (the city's time); stored times are real UTC
    tracker: Optional[RasaTracker] = None  # Rasa's tracker database: deletions reach it too
    outbox: Optional[Outbox] = None  # e-mail to citizens; a queued mail wakes its job

    def department(self, department_id: Optional[str]) -> Department:
        return self.city.department(department_id)

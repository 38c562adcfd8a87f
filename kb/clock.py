"""The current time, with one seam for tests of office hours across processes.

When the environment variable ``CITYCHAT_FAKE_TIME_FILE`` names a file that holds an ISO
timestamp, that moment is "now" (the file is read at every call, so a test can move the clock
of a running action server or gateway). Unset, as in production, it is the real time.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

FAKE_TIME_ENV = "CITYCHAT_FAKE_TIME_FILE"


def now(timezone: str) -> dt.datetime:
    tz = ZoneInfo(timezone)
    fake_file = os.environ.get(FAKE_TIME_ENV)
    if fake_file:
        try:
            text = Path(fake_file).read_text(encoding="utf-8").strip()
        except OSError:
            text = ""
        if text:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=tz)
            return moment.astimezone(tz)
    return dt.datetime.now(tz)

"""Personal data that slipped into a log line is masked before the line is written: e-mail
addresses, IBANs, phone numbers and dates (of birth, say). The gateway logs no message bodies
and no addresses on purpose; this is the net under that rule, for texts of exceptions from
libraries and for what a future change forgets. Timestamps of the log format are not touched:
only the message and the traceback are masked."""

from __future__ import annotations

import logging
import re

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"), "[IBAN]"),
    (re.compile(r"(?<![\w.:])(?:\+|00)\d[\d ()/-]{6,}\d\b"), "[phone]"),
    (re.compile(r"(?<![\w.:/-])0\d{2,5}[ /-]?\d{3,}(?:[ -]?\d+)*\b"), "[phone]"),
    (re.compile(r"\b\d{1,2}\.\d{1,2}\.(?:19|20)\d{2}\b"), "[date]"),
    (re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b"), "[date]"),
)


def mask(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = mask(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: object) -> str:
        return mask(super().formatException(ei))  # type: ignore[arg-type]


def install(format_string: str) -> None:
    """Use the masking formatter on every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(MaskingFormatter(format_string))

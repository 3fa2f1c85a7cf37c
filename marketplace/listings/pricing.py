"""Parsing prices as people type them: money to minor units, hours to minutes."""
from __future__ import annotations

import re
from decimal import Decimal

MAX_MINOR = 100_000_000  # 1,000,000.00 in the main unit
MAX_MINUTES = 100 * 60

_HM = re.compile(r"^(\d{1,3}):([0-5]\d)$")
_DECIMAL = re.compile(r"^\d{1,7}(?:[.,]\d{1,2})?$")
_HOURS = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")


def parse_minutes(text: str | None) -> int | None:
    """'1:30' -> 90, '1.5' or '1,5' -> 90, '2' -> 120. None when empty or unreadable.

    Fractions of hours are rounded to whole minutes.
    """
    text = (text or "").strip().lower().removesuffix("h").strip()
    if not text:
        return None
    match = _HM.match(text)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2))
    if not _HOURS.match(text):
        return None
    return int((Decimal(text.replace(",", ".")) * 60).to_integral_value())


def parse_money(text: str | None) -> int | None:
    """'12' -> 1200, '12.5' -> 1250, '12,50' -> 1250. None when empty or unreadable."""
    text = (text or "").strip().replace(" ", "")
    if not text or not _DECIMAL.match(text):
        return None
    return int((Decimal(text.replace(",", ".")) * 100).to_integral_value())


def format_money_input(minor: int | None) -> str:
    if minor is None:
        return ""
    return f"{minor // 100}.{minor % 100:02d}"


def format_minutes_input(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"

"""Money prices as people type them, to minor units and back (hours: timebank.amounts.parse_hours)."""
from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from flask_babel import get_locale

MAX_MINOR = 100_000_000  # 1,000,000.00 in the main unit
MAX_MINUTES = 100 * 60  # the most hours a listing may ask for

_DECIMAL = re.compile(r"^\d{1,7}(?:[.,]\d{1,2})?$")


def parse_money(text: str | None) -> int | None:
    """'12' -> 1200, '12.5' -> 1250, '12,50' -> 1250. None when empty or unreadable."""
    text = (text or "").strip().replace(" ", "")
    if not text or not _DECIMAL.match(text):
        return None
    return int((Decimal(text.replace(",", ".")) * 100).to_integral_value())


def format_money_input(minor: int | None, locale=None) -> str:
    """Minor units as the reader would type them: "12,50" in Romanian, "12.50" in English (parse_money
    reads both), never with thousands separators, which it would refuse."""
    if minor is None:
        return ""
    point = get_decimal_symbol(locale or get_locale() or "en")
    return f"{minor // 100}{point}{minor % 100:02d}"


def format_minutes_input(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"

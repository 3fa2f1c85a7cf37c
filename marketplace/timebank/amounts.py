"""Hours as people type them, minutes as the ledger stores them.

One parser for every form and the API: "2", "1:30", "1.5", "1,5", "2h",
"45 min" all become whole minutes; anything else is refused with a message
that says what to type instead.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from .errors import MAX_MINUTES, InvalidAmount

_CLOCK = re.compile(r"^(\d{1,6}):([0-5]\d)$")
_MINUTES = re.compile(r"^(\d{1,9})\s*(m|min|mins|minutes)$")
_HOURS = re.compile(r"^([0-9]*[.,]?[0-9]*)\s*(h|hr|hrs|hours?)?$")


def parse_hours(text: str | None, *, field: str = "hours") -> int:
    """Parse an amount of time into positive whole minutes, or raise InvalidAmount."""
    raw = (text or "").strip().lower()
    if not raw:
        raise InvalidAmount(_("Enter an amount of hours, like 2, 1:30 or 1.5."), fields={field: [_("Required.")]})
    if raw.startswith("-"):
        raise InvalidAmount(_("The amount must be more than zero."), fields={field: [_("Must be positive.")]})
    if match := _CLOCK.match(raw):
        minutes = int(match.group(1)) * 60 + int(match.group(2))
    elif match := _MINUTES.match(raw):
        minutes = int(match.group(1))
    elif (match := _HOURS.match(raw)) and match.group(1) not in ("", ".", ","):
        try:
            value = Decimal(match.group(1).replace(",", ".")) * 60
        except InvalidOperation:
            value = None
        if value is None or value != value.to_integral_value():
            raise InvalidAmount(_("Use whole minutes: for example 1:30 or 1.5 for an hour and a half."),
                                fields={field: [_("Not a whole number of minutes.")]})
        minutes = int(value)
    else:
        raise InvalidAmount(_("We could not read %(text)s as hours. Type it like 2, 1:30 or 1.5.", text=text),
                            fields={field: [_("Type hours like 2, 1:30 or 1.5.")]})
    if minutes <= 0:
        raise InvalidAmount(_("The amount must be more than zero."), fields={field: [_("Must be positive.")]})
    if minutes > MAX_MINUTES:
        raise InvalidAmount(_("That is more than %(n)d hours; please check the amount.", n=MAX_MINUTES // 60),
                            fields={field: [_("Too large.")]})
    return minutes


def format_minutes(minutes: int | None) -> str:
    """2 h, 45 min, 1 h 30 min, -1 h 30 min."""
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(int(minutes)), 60)
    if m == 0:
        text = _("%(h)d h", h=h)
    elif h == 0:
        text = _("%(m)d min", m=m)
    else:
        text = _("%(h)d h %(m)02d min", h=h, m=m)
    return sign + text


def clock(minutes: int) -> str:
    """Signed H:MM for exports ("-1:30")."""
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(int(minutes)), 60)
    return f"{sign}{h}:{m:02d}"

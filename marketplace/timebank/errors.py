"""Time-bank domain errors and the one amount rule every path shares."""
from __future__ import annotations

from flask_babel import gettext as _

from models.errors import DomainError, ValidationFailed

# No single movement of hours above 10,000 hours: a typo guard, not a policy.
MAX_MINUTES = 10_000 * 60


class InsufficientHours(DomainError):
    """Not enough hours for this."""

    status_code = 409
    code = "insufficient_hours"


class InvalidAmount(ValidationFailed):
    """This amount of hours is not valid."""

    code = "invalid_amount"


class TransferRefused(DomainError):
    """This transfer is not allowed."""

    status_code = 422
    code = "transfer_refused"


def check_minutes(minutes, field: str = "hours") -> int:
    """Refuse anything but a positive whole number of minutes up to MAX_MINUTES."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidAmount(_("Amounts are whole minutes."), fields={field: [_("Not a whole number of minutes.")]})
    if minutes <= 0:
        raise InvalidAmount(_("The amount must be more than zero."), fields={field: [_("Must be positive.")]})
    if minutes > MAX_MINUTES:
        raise InvalidAmount(_("That is more than %(n)d hours; please check the amount.", n=MAX_MINUTES // 60),
                            fields={field: [_("Too large.")]})
    return minutes

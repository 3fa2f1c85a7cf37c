"""Booking-specific domain errors (mapped to HTTP by marketplace.http_errors)."""
from __future__ import annotations

from models.errors import Conflict, DomainError, ValidationFailed


class SoldOut(Conflict):
    """Sold out: there are not enough places left."""

    code = "sold_out"


class AlreadyBooked(Conflict):
    """You already have a booking for this."""

    code = "already_booked"


class NotBookable(DomainError):
    """This cannot be booked."""

    status_code = 422
    code = "not_bookable"


class PolicyViolation(Conflict):
    """The cancellation policy does not allow this any more."""

    code = "policy_violation"


class PaymentUnavailable(DomainError):
    """Card payments are not available on this site."""

    status_code = 422
    code = "payment_unavailable"


__all__ = ["AlreadyBooked", "NotBookable", "PaymentUnavailable", "PolicyViolation", "SoldOut", "ValidationFailed"]

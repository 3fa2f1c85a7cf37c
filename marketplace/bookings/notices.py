"""What residents are told about their bookings (in-app and by email)."""
from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _

from models import Booking, WaitlistEntry

from ..notifications.services import in_language_of, notify
from .inventory import link

LOCAL_TIME = "EEE d MMM yyyy, HH:mm"


def _what(booking_or_entry) -> str:
    title = booking_or_entry.listing.title
    slot = booking_or_entry.slot
    if slot is not None:
        # In the city's time zone (TIMEZONE) and the recipient's language.
        return f"{title} ({format_datetime(slot.starts_at, LOCAL_TIME)})"
    return title


def booking_notice(booking: Booking, kind: str, reason: str = "") -> None:
    """kind: confirmed, requested, accepted_pay, declined, cancelled, cancelled_by_group,
    expired, refunded, reminder, paid_late_refund."""
    user = booking.user
    with in_language_of(user):
        what = _what(booking)
        subjects = {
            "confirmed": _("Booking confirmed: %(what)s", what=what),
            "requested": _("Booking requested: %(what)s", what=what),
            "accepted_pay": _("Booking accepted, please pay: %(what)s", what=what),
            "declined": _("Booking declined: %(what)s", what=what),
            "cancelled": _("Booking cancelled: %(what)s", what=what),
            "cancelled_by_group": _("Cancelled by the organisers: %(what)s", what=what),
            "expired": _("Unpaid booking expired: %(what)s", what=what),
            "refunded": _("Refund completed: %(what)s", what=what),
            "reminder": _("Reminder, tomorrow: %(what)s", what=what),
            "paid_late_refund": _("Payment refunded, no places left: %(what)s", what=what),
        }
        body = _("Booking %(id)s, %(quantity)s place(s).", id=booking.id, quantity=booking.quantity)
        if reason:
            body += " " + reason
        notify(user, subjects[kind], body, link("bookings.detail", booking_id=booking.id))


def offer_notice(entry: WaitlistEntry) -> None:
    user = entry.user
    with in_language_of(user):
        notify(
            user,
            _("A place is free for you: %(what)s", what=_what(entry)),
            _("Take it before %(when)s or it passes to the next person in line.",
              when=format_datetime(entry.offer_expires_at, LOCAL_TIME)),
            link("bookings.mine"),
        )


def waitlist_cancelled_notice(entry: WaitlistEntry) -> None:
    user = entry.user
    with in_language_of(user):
        notify(user, _("Cancelled by the organisers: %(what)s", what=_what(entry)),
               _("You were on the waiting list; the date has been cancelled."), link("bookings.mine"))

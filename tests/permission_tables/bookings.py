"""Bookings and payments routes × roles. Each row creates the objects it acts on
(a booking of the resident, a waiting-list place, a fresh date) for every role."""
from __future__ import annotations

import datetime as dt

from marketplace.extensions import db
from models import Booking, Slot, WaitlistEntry, utcnow
from tests.permission_tables import LOGIN, OK, Row, everyone, only, signed_in

GROUP_STAFF = ("member", "coordinator", "admin")


def _booking(w, status="confirmed", method="free") -> int:
    now = utcnow()
    booking = Booking(user_id=w.user_resident, listing_id=w.event, slot_id=w.slot, quantity=1,
                      payment_method=method, status=status, created_at=now)
    setattr(booking, {"confirmed": "confirmed_at", "requested": "requested_at"}[status], now)
    db.session.add(booking)
    db.session.flush()
    return booking.id


def _entry(w, status="waiting") -> int:
    now = utcnow()
    entry = WaitlistEntry(user_id=w.user_resident, listing_id=w.event, slot_id=w.slot, quantity=1, status=status,
                          offered_at=now if status == "offered" else None,
                          offer_expires_at=now + dt.timedelta(hours=1) if status == "offered" else None)
    db.session.add(entry)
    db.session.flush()
    return entry.id


def _fresh_slot(w) -> int:
    start = utcnow() + dt.timedelta(days=9)
    slot = Slot(listing_id=w.event, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=5, reserved=0)
    db.session.add(slot)
    db.session.flush()
    return slot.id


OWNER_ONLY = {"anonymous": LOGIN, "*": 403, "resident": OK}
VIEWERS = {"anonymous": LOGIN, "*": 403, "resident": 200, "member": 200, "coordinator": 200, "admin": 200}

ROWS = [
    Row("GET", "bookings.book", lambda w: f"/listings/{w.event}/book", signed_in(200)),
    Row("POST", "bookings.book", lambda w: f"/listings/{w.event}/book", signed_in(422), data=lambda w: {}),
    Row("GET", "bookings.mine", lambda w: "/bookings", signed_in(200)),
    Row("GET", "bookings.detail", lambda w: f"/bookings/{_booking(w)}", VIEWERS),
    Row("POST", "bookings.cancel", lambda w: f"/bookings/{_booking(w)}/cancel", OWNER_ONLY),
    Row("GET", "bookings.checkout", lambda w: f"/bookings/{_booking(w)}/checkout", OWNER_ONLY),
    Row("GET", "bookings.paid", lambda w: f"/bookings/{_booking(w)}/paid", OWNER_ONLY),
    Row("GET", "bookings.calendar", lambda w: f"/bookings/{_booking(w)}/calendar.ics",
        {"anonymous": LOGIN, "*": 403, "resident": 200}),
    # Places are left, so joining the waiting list is refused for everyone signed in.
    Row("POST", "bookings.join_waitlist", lambda w: f"/listings/{w.event}/waitlist", signed_in(422),
        data=lambda w: {"slot_id": w.slot, "quantity": 1}),
    Row("POST", "bookings.accept_offer", lambda w: f"/waitlist/{_entry(w, 'offered')}/accept", OWNER_ONLY,
        data=lambda w: {}),
    Row("POST", "bookings.leave_waitlist", lambda w: f"/waitlist/{_entry(w)}/leave", OWNER_ONLY),
    Row("GET", "bookings_manage.overview", lambda w: f"/manage/groups/{w.group_a_slug}/bookings",
        only(GROUP_STAFF, 200)),
    Row("GET", "bookings_manage.occurrence", lambda w: f"/manage/slots/{w.slot}/bookings", only(GROUP_STAFF, 200)),
    Row("GET", "bookings_manage.occurrence_csv", lambda w: f"/manage/slots/{w.slot}/bookings.csv",
        only(GROUP_STAFF, 200)),
    Row("GET", "bookings_manage.good_orders", lambda w: f"/manage/goods/{w.listing}/bookings",
        only(GROUP_STAFF, 200)),
    Row("GET", "bookings_manage.good_orders_csv", lambda w: f"/manage/goods/{w.listing}/bookings.csv",
        only(GROUP_STAFF, 200)),
    Row("POST", "bookings_manage.accept", lambda w: f"/manage/bookings/{_booking(w, 'requested')}/accept",
        only(GROUP_STAFF, 303)),
    Row("POST", "bookings_manage.decline", lambda w: f"/manage/bookings/{_booking(w, 'requested')}/decline",
        only(GROUP_STAFF, 303)),
    Row("POST", "bookings_manage.check_in", lambda w: f"/manage/bookings/{_booking(w)}/check-in",
        only(GROUP_STAFF, 303), data=lambda w: {"outcome": "attended"}),
    Row("POST", "bookings_manage.cancel_occurrence", lambda w: f"/manage/slots/{_fresh_slot(w)}/cancel",
        only(("coordinator", "admin"), 303), data=lambda w: {"reason": "Rain"}),
    Row("GET", "bookings_manage.policy", lambda w: f"/manage/listings/{w.event}/booking-policy",
        only(("coordinator", "admin"), 200)),
    Row("POST", "bookings_manage.policy", lambda w: f"/manage/listings/{w.event}/booking-policy",
        only(("coordinator", "admin"), 303), data=lambda w: {"max_per_booking": 3, "free_cancel_hours": 12}),
    Row("GET", "bookings_api.my_bookings", lambda w: "/api/v1/bookings", signed_in(200)),
    Row("GET", "bookings_api.booking_detail", lambda w: f"/api/v1/bookings/{_booking(w)}",
        {"anonymous": LOGIN, "*": 404, "resident": 200, "member": 200, "coordinator": 200, "admin": 200}),
    Row("POST", "bookings_api.create_booking", lambda w: "/api/v1/bookings", signed_in(422), data=lambda w: {},
        json=True),
    # Nobody gets past the webhook without Stripe's signature.
    Row("POST", "payments.stripe_webhook", lambda w: "/payments/stripe/webhook", everyone(400), data=lambda w: {}),
]

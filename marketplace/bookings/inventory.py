"""Seats, stock and status moves, each decided by one conditional UPDATE.

Every change that takes or gives back seats is guarded in SQL so that two
racing requests (a double click, a cron job and a webhook, two workers)
cannot both win: the row count of the UPDATE decides, never a value read
earlier in Python.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from models import Booking, BookingPolicy, BookingStatus, Listing, Slot, WaitlistEntry, utcnow
from models.booking import ACTIVE, STATUS_TIMESTAMPS
from models.errors import Conflict, TransitionRefused

from ..extensions import db


def _expire_loaded(model, ident, attr: str) -> None:
    obj = db.session.identity_map.get(db.session.identity_key(model, ident))  # type: ignore[arg-type]
    if obj is not None:
        db.session.expire(obj, [attr])


def take(listing_id: int, slot_id: int | None, quantity: int) -> bool:
    """Take `quantity` seats of a slot (or units of a good's stock); False when not enough are left."""
    if slot_id is not None:
        stmt = (update(Slot).where(Slot.id == slot_id, Slot.reserved + quantity <= Slot.capacity)
                .values(reserved=Slot.reserved + quantity))
        model, ident, attr = Slot, slot_id, "reserved"
    else:
        stmt = (update(Listing).where(Listing.id == listing_id, Listing.stock >= quantity)
                .values(stock=Listing.stock - quantity))
        model, ident, attr = Listing, listing_id, "stock"
    ok = db.session.execute(stmt, execution_options={"synchronize_session": False}).rowcount == 1
    _expire_loaded(model, ident, attr)
    return ok


def give_back(listing_id: int, slot_id: int | None, quantity: int) -> None:
    """Return seats or stock taken by `take` (callers make sure it happens once)."""
    if slot_id is not None:
        stmt = (update(Slot).where(Slot.id == slot_id, Slot.reserved >= quantity)
                .values(reserved=Slot.reserved - quantity))
        model, ident, attr = Slot, slot_id, "reserved"
    else:
        stmt = update(Listing).where(Listing.id == listing_id).values(stock=Listing.stock + quantity)
        model, ident, attr = Listing, listing_id, "stock"
    db.session.execute(stmt, execution_options={"synchronize_session": False})
    _expire_loaded(model, ident, attr)


def move(booking: Booking, new: BookingStatus, reason: str = "", *, strict: bool = True,
         now: dt.datetime | None = None) -> bool:
    """Move a booking to `new` if the state machine allows it and nobody moved it meanwhile.

    Returns False (or raises Conflict when `strict`) if another transaction
    changed the status first; the caller then must not touch seats.
    """
    current = booking.state
    if not booking.can_become(new):
        if strict:
            raise TransitionRefused("booking", current.value, new.value)
        return False
    at = now or utcnow()
    values = {"status": new.value, STATUS_TIMESTAMPS[new]: at}
    if reason:
        values["status_reason"] = reason
    if new not in ACTIVE:
        values["occurrence_lock"] = None
    if new is not BookingStatus.PENDING_PAYMENT:
        values["expires_at"] = None
    result = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == current.value).values(**values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.expire(booking)
        if strict:
            raise Conflict(_("This booking was changed meanwhile; please reload."))
        return False
    for key, value in values.items():
        set_committed_value(booking, key, value)
    return True


def move_entry(entry: WaitlistEntry, old: str, new: str, **values) -> bool:
    """Conditional status change of a waitlist entry (same rule as `move`)."""
    result = db.session.execute(
        update(WaitlistEntry).where(WaitlistEntry.id == entry.id, WaitlistEntry.status == old)
        .values(status=new, **values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.expire(entry)
        return False
    set_committed_value(entry, "status", new)
    for key, value in values.items():
        set_committed_value(entry, key, value)
    return True


def policy_for(listing: Listing) -> BookingPolicy:
    """The listing's booking policy, or the defaults (not added to the session)."""
    return db.session.get(BookingPolicy, listing.id) or BookingPolicy.defaults(listing.id)


def occurrence_key(listing_id: int, slot_id: int | None) -> str:
    return f"slot:{slot_id}" if slot_id is not None else f"listing:{listing_id}"


def hold_minutes() -> int:
    return int(current_app.config.get("BOOKING_HOLD_MINUTES", 15))


def offer_minutes() -> int:
    return int(current_app.config.get("WAITLIST_OFFER_MINUTES", 60))


def stripe_enabled() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def link(endpoint: str, **values) -> str:
    """An absolute link inside a request (or with SERVER_NAME), else a site path."""
    try:
        return url_for(endpoint, _external=True, **values)
    except RuntimeError:
        if has_request_context():
            raise
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def booking_reference(booking: Booking) -> str:
    """The time-bank hold reference of a booking paid in hours."""
    return f"booking:{booking.id}"


def timebank():
    """The time bank's services (issue 5), imported lazily so bookings load without them."""
    from ..timebank import services as timebank_services

    return timebank_services

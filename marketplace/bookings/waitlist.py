"""The waiting list: first in line gets freed seats, held for a limited time.

An offer takes the seats for the person at the head of the queue (so nobody
else can book them meanwhile). If they do not take the offer within
WAITLIST_OFFER_MINUTES, it lapses and the seats pass to the next in line.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Booking, Listing, Slot, User, WaitlistEntry, WaitlistStatus, utcnow
from models.errors import Conflict

from ..extensions import db
from . import inventory as inv
from .errors import AlreadyBooked, NotBookable
from .notices import offer_notice, waitlist_cancelled_notice

W = WaitlistStatus


def _target(query, listing_id: int, slot_id: int | None):
    if slot_id is not None:
        return query.where(WaitlistEntry.slot_id == slot_id)
    return query.where(WaitlistEntry.listing_id == listing_id, WaitlistEntry.slot_id.is_(None))


def _left(listing: Listing, slot: Slot | None) -> int:
    if slot is not None:
        db.session.refresh(slot, ["reserved", "capacity"])
        return slot.capacity - slot.reserved
    db.session.refresh(listing, ["stock"])
    return listing.stock or 0


def join_waitlist(user: User, listing: Listing, slot: Slot | None, quantity: int = 1,
                  now: dt.datetime | None = None) -> WaitlistEntry:
    """Queue for a sold-out date or good; refused while places are still free."""
    from .services import expire_due

    now = now or utcnow()
    slot_id = slot.id if slot is not None else None
    if slot is not None and slot.listing_id != listing.id:
        raise NotBookable()
    policy = inv.policy_for(listing)
    if not 1 <= quantity <= policy.max_per_booking:
        raise NotBookable(_("Book between 1 and %(n)s at a time.", n=policy.max_per_booking))
    expire_due(now=now, slot_id=slot_id, listing_id=None if slot_id else listing.id)
    if _left(listing, slot) >= quantity:
        raise NotBookable(_("There are places left: book directly."))
    key = inv.occurrence_key(listing.id, slot_id)
    if not policy.allow_multiple and db.session.scalar(
        select(Booking.id).where(Booking.user_id == user.id, Booking.occurrence_lock == key)
    ):
        raise AlreadyBooked(_("You already have a booking for this."))
    entry = WaitlistEntry(user_id=user.id, listing_id=listing.id, slot_id=slot_id, quantity=quantity,
                          status=W.WAITING.value, active_key=key, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        raise AlreadyBooked(_("You are already on the waiting list.")) from None
    return entry


def offer_freed(listing_id: int, slot_id: int | None, *, now: dt.datetime | None = None) -> int:
    """Offer free seats to the queue in order; stops at the first who does not fit
    (strict first-come order). Returns how many offers were made."""
    now = now or utcnow()
    offers = 0
    query = _target(select(WaitlistEntry), listing_id, slot_id).where(WaitlistEntry.status == W.WAITING.value)
    for entry in db.session.scalars(query.order_by(WaitlistEntry.id)).all():
        if not inv.take(listing_id, slot_id, entry.quantity):
            break
        expires = now + dt.timedelta(minutes=inv.offer_minutes())
        if not inv.move_entry(entry, W.WAITING.value, W.OFFERED.value, offered_at=now, offer_expires_at=expires):
            inv.give_back(listing_id, slot_id, entry.quantity)
            continue
        offer_notice(entry)
        offers += 1
    return offers


def _close(entry: WaitlistEntry, old: str, new: WaitlistStatus, now: dt.datetime) -> bool:
    return inv.move_entry(entry, old, new.value, active_key=None, closed_at=now)


def lapse_offers(now: dt.datetime | None = None) -> int:
    """Offers past their time lapse, and their seats go to the next in line."""
    now = now or utcnow()
    due = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.status == W.OFFERED.value, WaitlistEntry.offer_expires_at <= now)
        .order_by(WaitlistEntry.id)
    ).all()
    count = 0
    for entry in due:
        if _close(entry, W.OFFERED.value, W.LAPSED, now):
            inv.give_back(entry.listing_id, entry.slot_id, entry.quantity)
            offer_freed(entry.listing_id, entry.slot_id, now=now)
            count += 1
    return count


def accept_offer(entry: WaitlistEntry, user: User, method: str | None = None, idempotency_key: str | None = None,
                 now: dt.datetime | None = None) -> Booking:
    """Turn an offer into a booking on the seats held for it."""
    from .services import book, find_by_key

    now = now or utcnow()
    previous = find_by_key(user, idempotency_key)
    if previous is not None:
        return previous
    if entry.user_id != user.id or entry.status != W.OFFERED.value:
        raise Conflict(_("This offer is no longer open."))
    if entry.offer_expires_at <= now:
        lapse_offers(now)
        raise Conflict(_("This offer has run out and passed to the next person in line."))
    if not _close(entry, W.OFFERED.value, W.ACCEPTED, now):
        raise Conflict(_("This offer is no longer open."))
    # The seats stay taken: they move from the offer to the booking.
    booking, _created = book(user, entry.listing, slot=entry.slot, quantity=entry.quantity, method=method,
                             idempotency_key=idempotency_key, seats_held=True, now=now)
    entry.booking_id = booking.id
    return booking


def leave(entry: WaitlistEntry, now: dt.datetime | None = None) -> None:
    """Leave the queue, or decline an offer (which then passes down the line)."""
    now = now or utcnow()
    if entry.status == W.WAITING.value:
        _close(entry, W.WAITING.value, W.LEFT, now)
    elif entry.status == W.OFFERED.value and _close(entry, W.OFFERED.value, W.LEFT, now):
        inv.give_back(entry.listing_id, entry.slot_id, entry.quantity)
        offer_freed(entry.listing_id, entry.slot_id, now=now)
    else:
        raise Conflict(_("You are no longer on this waiting list."))


def cancel_entries(listing_id: int, slot_id: int | None, now: dt.datetime | None = None) -> int:
    """The occurrence was cancelled: close every open entry, free offered seats, tell people."""
    now = now or utcnow()
    query = _target(select(WaitlistEntry), listing_id, slot_id).where(
        WaitlistEntry.status.in_([W.WAITING.value, W.OFFERED.value]))
    count = 0
    for entry in db.session.scalars(query).all():
        old = entry.status
        if _close(entry, old, W.CANCELLED, now):
            if old == W.OFFERED.value:
                inv.give_back(listing_id, slot_id, entry.quantity)
            waitlist_cancelled_notice(entry)
            count += 1
    return count


def user_entries(user: User) -> list[WaitlistEntry]:
    return list(db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.user_id == user.id,
                                    WaitlistEntry.status.in_([W.WAITING.value, W.OFFERED.value]))
        .order_by(WaitlistEntry.id)
    ))


def position(entry: WaitlistEntry) -> int:
    """1 for the head of the queue."""
    query = _target(select(WaitlistEntry.id), entry.listing_id, entry.slot_id).where(
        WaitlistEntry.status == W.WAITING.value, WaitlistEntry.id <= entry.id)
    return len(db.session.scalars(query).all())

"""Booking rules: book, cancel, expire unpaid holds.

Services flush and never commit; the caller commits once. Seats and stock
are taken by one conditional UPDATE (see inventory.py) inside a savepoint
together with the booking row, so a sold-out answer leaves nothing behind.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient

from models import (
    Booking,
    BookingStatus,
    Listing,
    ListingKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Slot,
    User,
    utcnow,
)
from models.errors import InvalidTransition, ValidationFailed
from models.visibility import is_public

from ..extensions import db
from . import inventory as inv
from .errors import AlreadyBooked, NotBookable, PaymentUnavailable, PolicyViolation, SoldOut
from .notices import booking_notice

S = BookingStatus
M = PaymentMethod


def allowed_methods(listing: Listing) -> list[PaymentMethod]:
    """How this listing can be paid on this site right now."""
    if listing.is_free:
        return [M.FREE]
    methods = []
    if listing.accepts_money and inv.stripe_enabled():
        methods.append(M.STRIPE)
    if listing.accepts_hours:
        methods.append(M.HOURS)
    return methods


def find_by_key(user: User, key: str | None) -> Booking | None:
    if not key:
        return None
    return db.session.scalar(select(Booking).where(Booking.user_id == user.id, Booking.idempotency_key == key))


def book_slot(user: User, slot: Slot, quantity: int = 1, method: str | None = None,
              idempotency_key: str | None = None) -> tuple[Booking, bool]:
    """Book seats at an event occurrence or a service slot. Returns (booking, created)."""
    return book(user, slot.listing, slot=slot, quantity=quantity, method=method, idempotency_key=idempotency_key)


def book_good(user: User, listing: Listing, quantity: int = 1, method: str | None = None,
              idempotency_key: str | None = None) -> tuple[Booking, bool]:
    """Book `quantity` units of a good from its stock. Returns (booking, created)."""
    return book(user, listing, slot=None, quantity=quantity, method=method, idempotency_key=idempotency_key)


def _validate(user: User, listing: Listing, slot: Slot | None, quantity: int, method: str | None,
              now: dt.datetime, policy) -> PaymentMethod:
    if not is_public(listing):
        raise NotBookable(_("This listing is not open for booking."))
    if listing.kind == ListingKind.GOOD.value:
        if slot is not None:
            raise NotBookable(_("Goods are booked without a date."))
        if listing.stock is None:
            raise NotBookable(_("This good is not offered for booking."))
    else:
        if slot is None or slot.listing_id != listing.id:
            raise ValidationFailed(_("Choose a date."), fields={"slot_id": [_("Choose a date.")]})
        if slot.starts_at <= now:
            raise NotBookable(_("This date has already started."))
    if not 1 <= quantity <= policy.max_per_booking:
        message = _("Book between 1 and %(n)s at a time.", n=policy.max_per_booking)
        raise ValidationFailed(message, fields={"quantity": [message]})
    methods = allowed_methods(listing)
    if method in (None, "") and len(methods) == 1:
        return methods[0]
    if method not in {m.value for m in M}:
        raise ValidationFailed(_("Choose how to pay."), fields={"payment_method": [_("Choose how to pay.")]})
    chosen = M(method)
    if chosen not in methods:
        if chosen is M.STRIPE and listing.accepts_money:
            raise PaymentUnavailable(_("Card payments are not available on this site."))
        raise NotBookable(_("This listing cannot be paid that way."))
    return chosen


def book(user: User, listing: Listing, *, slot: Slot | None = None, quantity: int = 1,
         method: str | None = None, idempotency_key: str | None = None, seats_held: bool = False,
         now: dt.datetime | None = None) -> tuple[Booking, bool]:
    """Create a booking; a repeated idempotency key returns the first booking instead.

    Raises SoldOut, AlreadyBooked, NotBookable, PaymentUnavailable,
    ValidationFailed (and the time bank's InsufficientHours). `seats_held`
    is for a waitlist offer whose seats were already taken for this user.
    """
    existing = find_by_key(user, idempotency_key)
    if existing is not None:
        return existing, False
    now = now or utcnow()
    policy = inv.policy_for(listing)
    chosen = _validate(user, listing, slot, quantity, method, now, policy)
    slot_id = slot.id if slot is not None else None
    booking = Booking(
        user_id=user.id, listing_id=listing.id, slot_id=slot_id, quantity=quantity,
        payment_method=chosen.value, idempotency_key=idempotency_key or None,
        occurrence_lock=None if policy.allow_multiple else inv.occurrence_key(listing.id, slot_id),
        created_at=now,
    )
    if chosen is M.STRIPE:
        booking.amount_minor = listing.price_minor * quantity
        booking.currency = (listing.currency or "").upper() or None
    elif chosen is M.HOURS:
        booking.amount_minutes = listing.price_minutes * quantity
    if policy.requires_approval:
        booking.status, booking.requested_at = S.REQUESTED.value, now
    elif chosen is M.STRIPE:
        booking.status, booking.pending_at = S.PENDING_PAYMENT.value, now
        booking.expires_at = now + dt.timedelta(minutes=inv.hold_minutes())
    else:
        booking.status, booking.confirmed_at = S.CONFIRMED.value, now
    for attempt in (1, 2):
        try:
            _insert_and_take(booking, user, listing.id, slot_id, quantity, seats_held)
            break
        except IntegrityError:
            first = find_by_key(user, idempotency_key)
            if first is not None:
                return first, False
            raise AlreadyBooked(_("You already have a booking for this.")) from None
        except SoldOut:
            # The lazy expiry check, only when needed: lapsed unpaid holds of this
            # date give their seats back (outside the savepoint, so it sticks), then retry once.
            if attempt == 2 or not expire_due(now=now, slot_id=slot_id, listing_id=None if slot_id else listing.id):
                raise
            if booking in db.session:
                db.session.expunge(booking)
            make_transient(booking)  # rolled back with the savepoint: insert it afresh
            booking.id = None
    if booking.status == S.PENDING_PAYMENT.value:
        create_payment(booking)  # the resident is told once Stripe confirms the payment
    else:
        booking_notice(booking, "confirmed" if booking.status == S.CONFIRMED.value else "requested")
    return booking, True


def _insert_and_take(booking: Booking, user: User, listing_id: int, slot_id: int | None, quantity: int,
                     seats_held: bool) -> None:
    """Booking row, hours hold and seats in one savepoint: all or nothing."""
    with db.session.begin_nested():
        db.session.add(booking)
        db.session.flush()
        if booking.payment_method == M.HOURS.value:
            # Hours are held at booking and settled at check-in (see docs/bookings-payments.md).
            inv.timebank().place_hold(user, booking.amount_minutes, inv.booking_reference(booking))
        # Last, so the slot's row lock is held for as short a time as possible.
        if not seats_held and not inv.take(listing_id, slot_id, quantity):
            raise SoldOut(_("Sold out: there are not enough places left."))


def create_payment(booking: Booking) -> Payment:
    """The pending payment row, committed before Stripe is ever called."""
    payment = Payment(booking=booking, amount_minor=booking.amount_minor,
                      currency=booking.currency or "RON", status=PaymentStatus.PENDING.value)
    db.session.add(payment)
    db.session.flush()
    return payment


# --- cancelling and expiring -------------------------------------------------

def cancel_deadline(booking: Booking) -> dt.datetime | None:
    """Until when the resident may cancel free of charge (None: goods, no date)."""
    if booking.slot is None:
        return None
    hours = inv.policy_for(booking.listing).free_cancel_hours
    return booking.slot.starts_at - dt.timedelta(hours=hours)


def can_cancel(booking: Booking, now: dt.datetime | None = None) -> bool:
    try:
        _check_cancel_policy(booking, now or utcnow())
    except (PolicyViolation, InvalidTransition):
        return False
    return True


def _check_cancel_policy(booking: Booking, now: dt.datetime) -> None:
    if not booking.is_active:
        raise InvalidTransition(_("This booking can no longer be cancelled."))
    if booking.state is not S.CONFIRMED or booking.slot is None:
        return  # nothing is paid yet (or a good not collected yet): always free to cancel
    if booking.slot.starts_at <= now:
        raise PolicyViolation(_("This date has already started."))
    paid = booking.payment_method != M.FREE.value
    deadline = cancel_deadline(booking)
    if paid and deadline is not None and now > deadline:
        raise PolicyViolation(_("Free cancellation ended %(hours)s hours before the start; "
                                "please contact the group.",
                                hours=inv.policy_for(booking.listing).free_cancel_hours))


def release(booking: Booking) -> None:
    """Undo what an active booking holds: seats or stock, hours, money.

    Call only after `inventory.move` succeeded, so it runs exactly once.
    """
    inv.give_back(booking.listing_id, booking.slot_id, booking.quantity)
    if booking.payment_method == M.HOURS.value:
        inv.timebank().release_hold(inv.booking_reference(booking))
    elif booking.payment_method == M.STRIPE.value and booking.payment is not None:
        from ..payments import services as payments

        payments.on_booking_released(booking.payment)


def cancel_booking(booking: Booking, actor: User | None = None, *, reason: str = "", by_group: bool = False,
                   notify_kind: str | None = None, now: dt.datetime | None = None) -> Booking:
    """Cancel an active booking. Residents are held to the listing's free-cancellation
    window; the group may always cancel (and then everyone is refunded)."""
    now = now or utcnow()
    if not by_group:
        _check_cancel_policy(booking, now)
    inv.move(booking, S.CANCELLED, reason, now=now)
    release(booking)
    from .waitlist import offer_freed

    offer_freed(booking.listing_id, booking.slot_id, now=now)
    booking_notice(booking, notify_kind or ("cancelled_by_group" if by_group else "cancelled"), reason)
    return booking


def expire_due(*, now: dt.datetime | None = None, slot_id: int | None = None, listing_id: int | None = None,
               user_id: int | None = None) -> int:
    """Expire unpaid holds past their time (all, or one slot's, good's or user's); returns how many."""
    now = now or utcnow()
    query = select(Booking).where(Booking.status == S.PENDING_PAYMENT.value, Booking.expires_at <= now)
    if slot_id is not None:
        query = query.where(Booking.slot_id == slot_id)
    if listing_id is not None:
        query = query.where(Booking.listing_id == listing_id, Booking.slot_id.is_(None))
    if user_id is not None:
        query = query.where(Booking.user_id == user_id)
    count = 0
    for booking in db.session.scalars(query.order_by(Booking.id)).all():
        if not inv.move(booking, S.EXPIRED, strict=False, now=now):
            continue  # paid, cancelled or expired by someone else meanwhile
        release(booking)
        from .waitlist import offer_freed

        offer_freed(booking.listing_id, booking.slot_id, now=now)
        booking_notice(booking, "expired")
        count += 1
    return count


def user_bookings(user: User) -> list[Booking]:
    expire_due(user_id=user.id)
    return list(db.session.scalars(
        select(Booking).where(Booking.user_id == user.id).order_by(Booking.created_at.desc(), Booking.id.desc())
    ))

"""Booking rules: book, cancel, expire unpaid holds.

Services flush and never commit; the caller commits once. The booking row is
written by INSERT ... ON CONFLICT DO NOTHING (the unique constraints decide
idempotency and one-booking-per-date without aborting the transaction), then
seats and stock are taken by one conditional UPDATE (see inventory.py) whose
row count decides; a sold-out answer deletes the row again, so nothing is left behind.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, lazyload

from models import (
    Booking,
    BookingPolicy,
    BookingStatus,
    Listing,
    ListingKind,
    Pact,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Slot,
    User,
    utcnow,
)
from models.errors import DomainError, InvalidTransition, ValidationFailed
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
    """The booking this resident already made with this idempotency key."""
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


_TARGET_QUERIES: dict[bool, object] = {}


def _target_query(with_slot: bool):
    """Built once (per shape) and reused with bound parameters: statement
    construction is a visible share of a booking's CPU time."""
    query = _TARGET_QUERIES.get(with_slot)
    if query is None:
        author = aliased(User)
        query = (select(Listing, BookingPolicy, author).join(Listing.pact)
                 .outerjoin(BookingPolicy, BookingPolicy.listing_id == Listing.id)
                 .outerjoin(author, author.id == Listing.created_by_id)
                 .where(Listing.id == bindparam("listing_id"))
                 # The pact decides visibility; its commons is not needed to book.
                 .options(contains_eager(Listing.pact), lazyload(Listing.pact, Pact.commons), lazyload(author.roles)))
        if with_slot:
            query = query.add_columns(Slot).outerjoin(Slot, Slot.id == bindparam("slot_id"))
        _TARGET_QUERIES[with_slot] = query
    return query


def booking_target(listing_id: int, slot_id: int | None = None) -> tuple[Listing | None, Slot | None, BookingPolicy]:
    """What a booking request needs, in ONE query: the listing with its pact (for
    the visibility rule), its author (same), the chosen slot and the booking policy.

    Returns (listing or None, slot or None, policy or the defaults). The slot is
    loaded by id alone; `book` checks that it belongs to the listing.
    """
    with_slot = slot_id is not None
    params = {"listing_id": listing_id, "slot_id": slot_id} if with_slot else {"listing_id": listing_id}
    row = db.session.execute(_target_query(with_slot), params).first()
    if row is None:
        return None, None, BookingPolicy.defaults(listing_id)
    listing, policy = row[0], row[1]
    return listing, (row[3] if with_slot else None), policy or BookingPolicy.defaults(listing.id)


def book(user: User, listing: Listing, *, slot: Slot | None = None, quantity: int = 1,
         method: str | None = None, idempotency_key: str | None = None, seats_held: bool = False,
         now: dt.datetime | None = None, policy: BookingPolicy | None = None) -> tuple[Booking, bool]:
    """Create a booking; a repeated idempotency key returns the first booking instead.

    Raises SoldOut, AlreadyBooked, NotBookable, PaymentUnavailable,
    ValidationFailed (and the time bank's InsufficientHours). `seats_held`
    is for a waitlist offer whose seats were already taken for this user.
    `policy`: the listing's policy when the caller already has it (booking_target).

    Statements on the usual path (see docs/bookings-payments.md): one
    INSERT ... ON CONFLICT DO NOTHING RETURNING for the booking, one conditional
    UPDATE for the seats, then the notification and its email row. No savepoint
    (hours bookings: one around the time-bank hold) and no SELECT by key unless
    the INSERT was refused or the request did not validate.
    """
    now = now or utcnow()
    key = idempotency_key or None
    try:
        policy = policy or inv.policy_for(listing)
        chosen = _validate(user, listing, slot, quantity, method, now, policy)
    except DomainError:
        # A replay is answered with the first booking even if its body (or the
        # listing) would no longer pass: the key wins.
        first = find_by_key(user, key)
        if first is not None:
            return first, False
        raise
    slot_id = slot.id if slot is not None else None
    values = dict(
        user_id=user.id, listing_id=listing.id, slot_id=slot_id, quantity=quantity,
        payment_method=chosen.value, idempotency_key=key,
        occurrence_lock=None if policy.allow_multiple else inv.occurrence_key(listing.id, slot_id),
        created_at=now,
    )
    if chosen is M.STRIPE:
        values["amount_minor"] = listing.price_minor * quantity
        values["currency"] = (listing.currency or "").upper() or None
    elif chosen is M.HOURS:
        values["amount_minutes"] = listing.price_minutes * quantity
    if policy.requires_approval:
        values.update(status=S.REQUESTED.value, requested_at=now)
    elif chosen is M.STRIPE:
        values.update(status=S.PENDING_PAYMENT.value, pending_at=now,
                      expires_at=now + dt.timedelta(minutes=inv.hold_minutes()))
    else:
        values.update(status=S.CONFIRMED.value, confirmed_at=now)
    booking = _insert_booking(values)
    if booking is None:
        # Refused by a unique constraint: the same key (a double submit whose twin
        # committed first; PostgreSQL waited for it) or an active booking for this date.
        first = find_by_key(user, key)
        if first is not None:
            return first, False
        raise AlreadyBooked(_("You already have a booking for this."))
    try:
        try:
            _hold_and_take(booking, user, seats_held)
        except SoldOut:
            # The lazy expiry check, only when needed: lapsed unpaid holds of this
            # date give their seats back, then one more try.
            if not expire_due(now=now, slot_id=slot_id, listing_id=None if slot_id else listing.id):
                raise
            _hold_and_take(booking, user, seats_held)
    except DomainError:
        _discard(booking)  # sold out or not enough hours: no booking row is left behind
        raise
    if booking.status == S.PENDING_PAYMENT.value:
        create_payment(booking)  # the resident is told once Stripe confirms the payment
    else:
        booking_notice(booking, "confirmed" if booking.status == S.CONFIRMED.value else "requested")
    return booking, True


def _insert_booking(values: dict) -> Booking | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the row: None when a unique
    constraint (idempotency key, occurrence lock) refused it. No savepoint needed:
    nothing fails, so the transaction stays usable."""
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # another database: a savepoint, and the unique constraint decides
        booking = Booking(**values)
        try:
            with db.session.begin_nested():
                db.session.add(booking)
        except IntegrityError:
            return None
        return booking
    stmt = insert(Booking).values(**values).on_conflict_do_nothing().returning(Booking)
    return db.session.scalars(stmt).first()


def _hold_and_take(booking: Booking, user: User, seats_held: bool) -> None:
    """Hours hold (if paid in hours) and seats, after the booking row so the slot's
    row lock is held for as short a time as possible."""
    if booking.payment_method == M.HOURS.value:
        # The ledger may write (open the resident's account) before it refuses,
        # so hours bookings keep a savepoint around hold + seats: all or nothing.
        # Hours are held at booking and settled at check-in (see docs/bookings-payments.md).
        with db.session.begin_nested():
            inv.timebank().place_hold(user, booking.amount_minutes, inv.booking_reference(booking))
            _take(booking, seats_held)
    else:
        _take(booking, seats_held)


def _take(booking: Booking, seats_held: bool) -> None:
    if not seats_held and not inv.take(booking.listing_id, booking.slot_id, booking.quantity):
        raise SoldOut(_("Sold out: there are not enough places left."))


def _discard(booking: Booking) -> None:
    """Delete a booking inserted by this transaction that could not get its seats or hours."""
    db.session.execute(delete(Booking).where(Booking.id == booking.id),
                       execution_options={"synchronize_session": False})
    db.session.expunge(booking)


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

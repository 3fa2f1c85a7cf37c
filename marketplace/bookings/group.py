"""What a group does with its bookings: approve, check in, cancel a date, export."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from models import Booking, BookingStatus, Group, Listing, PaymentMethod, Slot, User, WaitlistEntry, utcnow
from models.booking import HOLDS_SEATS
from models.errors import Conflict

from ..extensions import db
from . import inventory as inv
from .notices import booking_notice
from .services import cancel_booking, expire_due, release

S = BookingStatus


def accept(booking: Booking, actor: User, now: dt.datetime | None = None) -> Booking:
    """Approve a requested booking: confirmed, or waiting for payment when paid by card."""
    now = now or utcnow()
    if booking.payment_method == PaymentMethod.STRIPE.value:
        inv.move(booking, S.PENDING_PAYMENT, now=now)
        booking.expires_at = now + dt.timedelta(minutes=inv.hold_minutes())
        from .services import create_payment

        create_payment(booking)
        booking_notice(booking, "accepted_pay")
    else:
        inv.move(booking, S.CONFIRMED, now=now)
        booking_notice(booking, "confirmed")
    return booking


def decline(booking: Booking, actor: User, reason: str = "", now: dt.datetime | None = None) -> Booking:
    if booking.state is not S.REQUESTED:
        raise Conflict(_("Only requested bookings can be declined."))
    return cancel_booking(booking, actor, reason=reason or _("Declined by the group."), by_group=True,
                          notify_kind="declined", now=now)


def check_in(booking: Booking, actor: User, attended: bool, now: dt.datetime | None = None) -> Booking:
    """Mark attended (hours are then settled to the group) or no show (hours released).
    Money is not refunded for a no-show."""
    inv.move(booking, S.ATTENDED if attended else S.NO_SHOW, now=now)
    if booking.payment_method == PaymentMethod.HOURS.value:
        if attended:
            inv.timebank().settle_hold(inv.booking_reference(booking), booking.listing.group_id, actor=actor)
        else:
            inv.timebank().release_hold(inv.booking_reference(booking))
    return booking


def cancel_occurrence(slot: Slot, actor: User, reason: str = "", now: dt.datetime | None = None) -> int:
    """The group cancels a whole date: every active booking is cancelled and refunded,
    the waiting list is closed, and no new bookings are taken (capacity drops to what
    is still held). Returns how many bookings were cancelled."""
    from .waitlist import cancel_entries

    now = now or utcnow()
    if slot.starts_at <= now:
        raise Conflict(_("This date has already started."))
    reason = reason or _("The organisers cancelled this date.")
    count = 0
    active = select(Booking).where(Booking.slot_id == slot.id,
                                   Booking.status.in_([s.value for s in (S.REQUESTED, S.PENDING_PAYMENT,
                                                                        S.CONFIRMED)]))
    for booking in db.session.scalars(active.order_by(Booking.id)).all():
        if inv.move(booking, S.CANCELLED, reason, strict=False, now=now):
            release(booking)
            booking_notice(booking, "cancelled_by_group", reason)
            count += 1
    cancel_entries(slot.listing_id, slot.id, now)
    db.session.execute(update(Slot).where(Slot.id == slot.id).values(capacity=Slot.reserved),
                       execution_options={"synchronize_session": False})
    db.session.expire(slot, ["capacity", "reserved"])
    return count


def send_reminders(now: dt.datetime | None = None, within: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Remind confirmed bookings whose date starts within `within`, once each."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Booking).join(Slot, Booking.slot_id == Slot.id)
        .where(Booking.status == S.CONFIRMED.value, Booking.reminded_at.is_(None),
               Slot.starts_at > now, Slot.starts_at <= now + within)
        .order_by(Booking.id)
    ).all()
    count = 0
    for booking in due:
        claimed = db.session.execute(
            update(Booking).where(Booking.id == booking.id, Booking.reminded_at.is_(None)).values(reminded_at=now),
            execution_options={"synchronize_session": False},
        ).rowcount
        if claimed:
            booking_notice(booking, "reminder")
            count += 1
    return count


# --- what the group sees ------------------------------------------------------

@dataclass
class Occurrence:
    listing: Listing
    slot: Slot | None
    counts: dict[str, int]
    waiting: int

    @property
    def booked(self) -> int:
        return sum(n for status, n in self.counts.items() if S(status) in HOLDS_SEATS)


def _counts(listing_id: int, slot_id: int | None) -> dict[str, int]:
    query = select(Booking.status, func.coalesce(func.sum(Booking.quantity), 0)).group_by(Booking.status)
    query = query.where(Booking.slot_id == slot_id) if slot_id else query.where(
        Booking.listing_id == listing_id, Booking.slot_id.is_(None))
    return {status: int(n) for status, n in db.session.execute(query)}


def _waiting(listing_id: int, slot_id: int | None) -> int:
    query = select(func.count(WaitlistEntry.id)).where(WaitlistEntry.status.in_(["waiting", "offered"]))
    query = query.where(WaitlistEntry.slot_id == slot_id) if slot_id else query.where(
        WaitlistEntry.listing_id == listing_id, WaitlistEntry.slot_id.is_(None))
    return db.session.scalar(query) or 0


def group_occurrences(group: Group) -> list[Occurrence]:
    """Every bookable date and good of the group's listings, with counts per status."""
    listings = db.session.scalars(select(Listing).where(Listing.group_id == group.id).order_by(Listing.title)).all()
    rows = []
    for listing in listings:
        if listing.kind == "good":
            if listing.stock is not None:
                rows.append(Occurrence(listing, None, _counts(listing.id, None), _waiting(listing.id, None)))
            continue
        for slot in listing.slots:
            rows.append(Occurrence(listing, slot, _counts(listing.id, slot.id), _waiting(listing.id, slot.id)))
    return rows


def occurrence_bookings(listing: Listing, slot: Slot | None) -> list[Booking]:
    slot_id = slot.id if slot is not None else None
    expire_due(slot_id=slot_id, listing_id=None if slot_id else listing.id)
    query = select(Booking).join(User, Booking.user_id == User.id)
    query = query.where(Booking.slot_id == slot_id) if slot_id else query.where(
        Booking.listing_id == listing.id, Booking.slot_id.is_(None))
    return list(db.session.scalars(query.order_by(User.display_name, Booking.id)))


CSV_HEADER = ("booking_id", "name", "email", "quantity", "status", "payment_method", "amount_minor",
              "currency", "amount_minutes", "booked_at", "checked_in_at")


def _cell(value) -> str:
    """Neutralise spreadsheet formulas in user-written text (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def bookings_csv(bookings: list[Booking]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for b in bookings:
        checked = b.attended_at or b.no_show_at
        writer.writerow([b.id, _cell(b.user.display_name), _cell(b.user.email), b.quantity, b.status,
                         b.payment_method, b.amount_minor, b.currency or "", b.amount_minutes,
                         b.created_at.isoformat(), checked.isoformat() if checked else ""])
    return out.getvalue()

"""Stripe payments for bookings.

Order of work, always: commit the pending Payment, then call Stripe with an
idempotency key derived from it, then let a verified event (webhook) or a
server-side session lookup (return page, `payments reconcile`) move the
state. The browser's return to the success URL never confirms anything.
"""
from __future__ import annotations

import datetime as dt
import logging

import stripe
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from models import Booking, BookingStatus, Payment, PaymentStatus, StripeEvent, utcnow
from models.errors import Conflict

from ..bookings import inventory as inv
from ..bookings.notices import booking_notice
from ..extensions import db
from ..tx import commit, on_commit
from .stripe_client import stripe_client

log = logging.getLogger("commons.payments")
P = PaymentStatus
S = BookingStatus


def _set_status(payment: Payment, old: set[PaymentStatus], new: PaymentStatus, **values) -> bool:
    """Conditional status change: True only for the one transaction that made it."""
    values["status"] = new.value
    values["updated_at"] = utcnow()
    result = db.session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.status.in_([s.value for s in old])).values(**values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.expire(payment)
        return False
    for key, value in values.items():
        set_committed_value(payment, key, value)
    return True


# --- starting a payment -------------------------------------------------------

def _stamp(payment: Payment) -> str:
    # Ids restart when a database is rebuilt; the creation time keeps keys unique
    # per Stripe account while staying the same for every retry of this payment.
    return f"{payment.booking_id}-{payment.id}-{int(payment.created_at.timestamp() * 1000)}"


def checkout_key(payment: Payment) -> str:
    return f"commons-booking-{_stamp(payment)}-checkout"


def start_checkout(payment: Payment) -> str:
    """Create (or find again, thanks to the idempotency key) the Checkout Session
    for a committed pending payment; returns the URL to send the resident to."""
    if payment.status != P.PENDING.value:
        raise Conflict(_("This payment is no longer open."))
    if payment.checkout_url:
        return payment.checkout_url
    booking = payment.booking
    ids = {"booking_id": str(booking.id), "payment_id": str(payment.id)}
    session = stripe_client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [{
                "quantity": booking.quantity,
                "price_data": {
                    "currency": payment.currency.lower(),
                    "unit_amount": payment.amount_minor // booking.quantity,
                    "product_data": {"name": booking.listing.title[:250]},
                },
            }],
            "client_reference_id": str(booking.id),
            "customer_email": booking.user.email,
            "metadata": ids,
            "payment_intent_data": {"metadata": ids},
            "success_url": inv.link("bookings.paid", booking_id=booking.id) + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": inv.link("bookings.detail", booking_id=booking.id),
        },
        options={"idempotency_key": checkout_key(payment)},
    )
    data = session.to_dict()
    payment.checkout_session_id = data["id"]
    payment.checkout_url = data["url"]
    if data.get("payment_intent"):
        payment.payment_intent_id = data["payment_intent"]
    db.session.flush()
    return session.url


# --- when a booking stops holding its seats ------------------------------------

def on_booking_released(payment: Payment) -> None:
    """A paid booking was cancelled: refund. An unpaid one: close its session."""
    if payment.status == P.PAID.value:
        if _set_status(payment, {P.PAID}, P.REFUND_PENDING):
            payment_id = payment.id
            on_commit(lambda: request_refund(payment_id))
    elif payment.status == P.PENDING.value:
        if _set_status(payment, {P.PENDING}, P.EXPIRED) and payment.checkout_session_id:
            session_id = payment.checkout_session_id
            on_commit(lambda: expire_session(session_id))


def refund_key(payment: Payment) -> str:
    return f"commons-booking-{_stamp(payment)}-refund"


def request_refund(payment_id: int) -> None:
    """After commit: ask Stripe for the refund (idempotent); the booking becomes
    `refunded` when Stripe confirms with charge.refunded (or reconcile sees it)."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.status != P.REFUND_PENDING.value or payment.refund_id:
        return
    try:
        refund = stripe_client().v1.refunds.create(
            params={"payment_intent": payment.payment_intent_id,
                    "metadata": {"booking_id": str(payment.booking_id), "payment_id": str(payment.id)}},
            options={"idempotency_key": refund_key(payment)},
        )
    except stripe.StripeError as exc:
        log.warning("refund for payment %s failed, reconcile will retry: %s", payment_id, exc)
        payment.last_error = str(exc)[:500]
        commit()
        return
    payment.refund_id = refund.id
    commit()


def expire_session(session_id: str) -> None:
    """After commit, best effort: stop a session from being paid after its booking ended.
    If it is paid anyway, the late-payment path refunds or re-books."""
    try:
        stripe_client().v1.checkout.sessions.expire(session_id)
    except stripe.StripeError as exc:
        log.info("could not expire checkout session %s: %s", session_id, exc)


# --- applying what Stripe says ---------------------------------------------------

def find_payment(session_id: str | None = None, payment_intent_id: str | None = None,
                 metadata: dict | None = None) -> Payment | None:
    if session_id:
        found = db.session.scalar(select(Payment).where(Payment.checkout_session_id == session_id))
        if found:
            return found
    if payment_intent_id:
        found = db.session.scalar(select(Payment).where(Payment.payment_intent_id == payment_intent_id))
        if found:
            return found
    payment_id = (metadata or {}).get("payment_id")
    if payment_id and str(payment_id).isdigit():
        return db.session.get(Payment, int(payment_id))
    return None


def apply_session_paid(payment: Payment, session: dict) -> str:
    """A Checkout Session was paid: confirm the booking (or refund a late payment)."""
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return "session complete but not paid yet"
    if not _set_status(payment, {P.PENDING, P.EXPIRED}, P.PAID, paid_at=utcnow(),
                       payment_intent_id=session.get("payment_intent") or payment.payment_intent_id,
                       checkout_session_id=payment.checkout_session_id or session.get("id")):
        return f"already {payment.status}"
    booking: Booking = payment.booking
    if booking.state is S.PENDING_PAYMENT and inv.move(booking, S.CONFIRMED, strict=False):
        booking_notice(booking, "confirmed")
        return f"booking {booking.id} confirmed"
    if booking.state is S.EXPIRED and inv.take(booking.listing_id, booking.slot_id, booking.quantity):
        inv.move(booking, S.CONFIRMED)
        booking_notice(booking, "confirmed")
        return f"booking {booking.id} confirmed after its hold had expired"
    if booking.state in (S.EXPIRED, S.CANCELLED):
        on_booking_released(payment)
        if booking.state is S.EXPIRED:
            booking_notice(booking, "paid_late_refund")
        return f"booking {booking.id} is {booking.status}: payment refunded"
    return f"booking {booking.id} already {booking.status}"


def apply_session_expired(payment: Payment) -> str:
    if not _set_status(payment, {P.PENDING}, P.EXPIRED):
        return f"ignored: payment is {payment.status}"
    booking = payment.booking
    if inv.move(booking, S.EXPIRED, strict=False):
        from ..bookings.services import release
        from ..bookings.waitlist import offer_freed

        release(booking)
        offer_freed(booking.listing_id, booking.slot_id)
        booking_notice(booking, "expired")
        return f"booking {booking.id} expired"
    return f"payment expired; booking {booking.id} stays {booking.status}"


def apply_refunded(payment: Payment) -> str:
    if not _set_status(payment, {P.PAID, P.REFUND_PENDING}, P.REFUNDED, refunded_at=utcnow()):
        return f"ignored: payment is {payment.status}"
    booking = payment.booking
    if booking.is_active and inv.move(booking, S.CANCELLED, _("Refunded."), strict=False):
        # Refunded from Stripe's dashboard while still booked: give the seats back.
        from ..bookings.services import release

        release(booking)
    if booking.state is S.CANCELLED:
        inv.move(booking, S.REFUNDED)
        booking_notice(booking, "refunded")
        return f"booking {booking.id} refunded"
    return f"payment refunded; booking {booking.id} stays {booking.status}"


def _on_session_completed(obj: dict) -> str:
    payment = find_payment(obj.get("id"), None, obj.get("metadata"))
    return apply_session_paid(payment, obj) if payment else "no matching payment"


def _on_session_expired(obj: dict) -> str:
    payment = find_payment(obj.get("id"), None, obj.get("metadata"))
    return apply_session_expired(payment) if payment else "no matching payment"


def _on_payment_failed(obj: dict) -> str:
    payment = find_payment(None, obj.get("id"), obj.get("metadata"))
    if payment is None:
        return "no matching payment"
    error = (obj.get("last_payment_error") or {}).get("message") or "payment failed"
    payment.last_error = str(error)[:500]
    # The hold stays until it expires: the resident may try another card.
    return f"payment {payment.id} failed attempt recorded"


def _on_charge_refunded(obj: dict) -> str:
    payment = find_payment(None, obj.get("payment_intent"), obj.get("metadata"))
    if payment is None:
        return "no matching payment"
    if not obj.get("refunded"):
        return "partial refund: nothing to do"
    return apply_refunded(payment)


HANDLERS = {
    "checkout.session.completed": _on_session_completed,
    "checkout.session.async_payment_succeeded": _on_session_completed,
    "checkout.session.expired": _on_session_expired,
    "payment_intent.payment_failed": _on_payment_failed,
    "charge.refunded": _on_charge_refunded,
}


def handle_event(event: dict) -> tuple[bool, str]:
    """Apply a verified event at most once. Returns (applied now, outcome)."""
    event_id, kind = event.get("id"), event.get("type", "")
    obj = (event.get("data") or {}).get("object") or {}
    record = StripeEvent(id=event_id, type=kind, object_id=obj.get("id"), received_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        return False, "already processed"
    handler = HANDLERS.get(kind)
    outcome = handler(obj) if handler else "ignored: unhandled type"
    record.outcome = outcome[:1000]
    log.info("stripe event %s %s: %s", event_id, kind, outcome)
    return True, outcome


# --- reconcile -------------------------------------------------------------------

def refresh_from_stripe(payment: Payment) -> str | None:
    """Ask Stripe about one payment and apply what it says; returns a change or None."""
    client = stripe_client()
    if payment.status in (P.PENDING.value, P.EXPIRED.value) and payment.checkout_session_id:
        session = client.v1.checkout.sessions.retrieve(payment.checkout_session_id)
        data = session.to_dict()
        if data.get("status") == "complete":
            outcome = apply_session_paid(payment, data)
            return outcome if not outcome.startswith(("already", "session complete")) else None
        if data.get("status") == "expired" and payment.status == P.PENDING.value:
            return apply_session_expired(payment)
    elif payment.status == P.PENDING.value and payment.booking.state is not S.PENDING_PAYMENT:
        _set_status(payment, {P.PENDING}, P.EXPIRED)
        return f"payment {payment.id} closed: never reached Stripe, booking {payment.booking.status}"
    elif payment.status == P.REFUND_PENDING.value:
        if not payment.refund_id:
            request_refund(payment.id)
            return f"payment {payment.id}: refund requested again"
        refund = client.v1.refunds.retrieve(payment.refund_id)
        if refund.status == "succeeded":
            return apply_refunded(payment)
    return None


def reconcile() -> list[str]:
    """Compare open payments with Stripe and fix what a lost webhook left behind."""
    open_states = [P.PENDING.value, P.REFUND_PENDING.value]
    # Recently expired sessions too: a payment made just before expiry may have lost its webhook.
    recent = utcnow() - dt.timedelta(days=2)
    payments = db.session.scalars(
        select(Payment).where(Payment.status.in_(open_states)
                              | ((Payment.status == P.EXPIRED.value) & (Payment.updated_at >= recent)
                                 & Payment.checkout_session_id.is_not(None)))
        .order_by(Payment.id)
    ).all()
    changes = []
    for payment in payments:
        try:
            change = refresh_from_stripe(payment)
        except stripe.StripeError as exc:
            change = f"payment {payment.id}: Stripe error {exc.__class__.__name__}, left as it is"
        if change:
            changes.append(f"payment {payment.id}: {change}")
        commit()
    return changes

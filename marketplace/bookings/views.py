"""Resident pages: book, my bookings, cancel, pay, calendar file, waiting list."""
from __future__ import annotations

import logging

import stripe
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import Booking, Listing, PaymentStatus, Slot, WaitlistEntry, utcnow
from models.errors import DomainError, ValidationFailed

from .. import permissions
from ..extensions import db
from ..forms import apply_errors
from ..http_errors import user_message
from ..tx import commit, rollback
from . import services, waitlist
from .errors import SoldOut
from .forms import AcceptOfferForm, WaitlistForm, new_key
from .ics import booking_ics
from .panel import book_form_for, booking_panel, method_choices

bp = Blueprint("bookings", __name__)
log = logging.getLogger("commons.bookings")


def _listing_or_404(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id) or abort(404)
    if not permissions.can_see_booking_listing(current_user, listing):
        abort(404)
    return listing


def _own_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id) or abort(404)
    permissions.require(permissions.owns_booking(current_user, booking))
    return booking


@bp.route("/listings/<int:listing_id>/book", methods=["GET", "POST"])
@login_required
def book(listing_id: int):
    listing = _listing_or_404(listing_id)
    permissions.require(permissions.can_book(current_user))
    form = book_form_for(listing)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("bookings/book.html", listing=listing, form=form), status
    slot = db.session.get(Slot, form.slot_id.data) if form.slot_id.data else None
    try:
        booking, created = services.book(current_user, listing, slot=slot, quantity=form.quantity.data,
                                         method=form.payment_method.data or None,
                                         idempotency_key=form.idempotency_key.data)
        commit()
    except ValidationFailed as exc:
        rollback()
        apply_errors(form, exc)
        return render_template("bookings/book.html", listing=listing, form=form), exc.status_code
    except DomainError as exc:
        rollback()
        form.form_errors = [user_message(exc)]
        sold_out = isinstance(exc, SoldOut)
        return render_template("bookings/book.html", listing=listing, form=form, sold_out=sold_out,
                               waitlist_form=WaitlistForm(slot_id=form.slot_id.data, quantity=form.quantity.data),
                               sold_out_slot=slot), exc.status_code
    if booking.status == "pending_payment":
        flash(_("Your places are held for %(n)s minutes: pay to confirm them.",
                n=int((booking.expires_at - utcnow()).total_seconds() // 60) + 1), "info")
    elif booking.status == "requested":
        flash(_("Your request was sent to the group; we will tell you when they answer."), "info")
    elif created:
        flash(_("Booked. See you there!"), "success")
    return redirect(url_for("bookings.detail", booking_id=booking.id), 303)


@bp.get("/bookings")
@login_required
def mine():
    bookings = services.user_bookings(current_user)
    entries = waitlist.user_entries(current_user)
    commit()  # lazily expired holds
    offer_forms = {e.id: AcceptOfferForm(formdata=None) for e in entries if e.status == "offered"}
    for entry in entries:
        if entry.id in offer_forms:
            offer_forms[entry.id].payment_method.choices = method_choices(entry.listing)
    return render_template("bookings/mine.html", bookings=bookings, entries=entries, offer_forms=offer_forms,
                           position=waitlist.position, can_cancel=services.can_cancel)


@bp.get("/bookings/<int:booking_id>")
@login_required
def detail(booking_id: int):
    booking = db.session.get(Booking, booking_id) or abort(404)
    permissions.require(permissions.can_view_booking(current_user, booking))
    services.expire_due(user_id=booking.user_id, slot_id=booking.slot_id)
    commit()
    return render_template("bookings/detail.html", booking=booking, can_cancel=services.can_cancel(booking),
                           deadline=services.cancel_deadline(booking),
                           own=permissions.owns_booking(current_user, booking))


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    booking = _own_booking(booking_id)
    services.cancel_booking(booking, current_user)
    commit()
    if booking.payment_method == "stripe" and booking.payment and booking.payment.status == "refund_pending":
        flash(_("Cancelled. Your refund is on its way."), "success")
    else:
        flash(_("Your booking is cancelled."), "success")
    return redirect(url_for("bookings.detail", booking_id=booking.id), 303)


@bp.get("/bookings/<int:booking_id>/checkout")
@login_required
def checkout(booking_id: int):
    """Send the resident to Stripe. A link, not a form: the session is created
    idempotently (same key, same session), so a repeated GET is harmless."""
    booking = _own_booking(booking_id)
    services.expire_due(user_id=booking.user_id, slot_id=booking.slot_id)
    commit()
    payment = booking.payment
    if booking.status != "pending_payment" or payment is None or payment.status != PaymentStatus.PENDING.value:
        flash(_("This booking is not waiting for a payment."), "info")
        return redirect(url_for("bookings.detail", booking_id=booking.id), 303)
    from ..payments.services import start_checkout

    try:
        url = start_checkout(payment)
        commit()
    except stripe.StripeError as exc:
        rollback()
        log.warning("checkout for booking %s failed: %s", booking.id, exc)
        flash(_("The payment service did not answer. Your places stay held; please try again."), "error")
        return redirect(url_for("bookings.detail", booking_id=booking.id), 303)
    return redirect(url, 303)


@bp.get("/bookings/<int:booking_id>/paid")
@login_required
def paid(booking_id: int):
    """Back from Stripe. The URL proves nothing: we ask Stripe ourselves."""
    booking = _own_booking(booking_id)
    payment = booking.payment
    if payment is not None and payment.checkout_session_id:
        from ..payments.services import refresh_from_stripe

        try:
            refresh_from_stripe(payment)
            commit()
        except stripe.StripeError as exc:
            rollback()
            log.info("session lookup for booking %s failed: %s", booking.id, exc)
    if booking.status == "confirmed":
        flash(_("Payment received: your booking is confirmed."), "success")
    else:
        flash(_("We are waiting for the payment service to confirm your payment. "
                "This page will show it once it does."), "info")
    return redirect(url_for("bookings.detail", booking_id=booking.id), 303)


@bp.get("/bookings/<int:booking_id>/calendar.ics")
@login_required
def calendar(booking_id: int):
    booking = _own_booking(booking_id)
    if booking.slot is None:
        abort(404)
    body = booking_ics(booking, url_for("bookings.detail", booking_id=booking.id, _external=True))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"'})


@bp.post("/listings/<int:listing_id>/waitlist")
@login_required
def join_waitlist(listing_id: int):
    listing = _listing_or_404(listing_id)
    permissions.require(permissions.can_book(current_user))
    form = WaitlistForm()
    if not form.validate_on_submit():
        flash(_("Please say how many places you need."), "error")
        return redirect(url_for("bookings.book", listing_id=listing.id), 303)
    slot = db.session.get(Slot, int(form.slot_id.data)) if (form.slot_id.data or "").isdigit() else None
    waitlist.join_waitlist(current_user, listing, slot, form.quantity.data)
    commit()
    flash(_("You are on the waiting list. We will tell you when a place is free."), "success")
    return redirect(url_for("bookings.mine"), 303)


def _own_entry(entry_id: int) -> WaitlistEntry:
    entry = db.session.get(WaitlistEntry, entry_id) or abort(404)
    permissions.require(permissions.owns_booking(current_user, entry))
    return entry


@bp.post("/waitlist/<int:entry_id>/accept")
@login_required
def accept_offer(entry_id: int):
    entry = _own_entry(entry_id)
    form = AcceptOfferForm()
    form.payment_method.choices = method_choices(entry.listing)
    if not form.validate_on_submit():
        flash(_("Please send the form again."), "error")
        return redirect(url_for("bookings.mine"), 303)
    booking = waitlist.accept_offer(entry, current_user, form.payment_method.data or None,
                                    form.idempotency_key.data)
    commit()
    return redirect(url_for("bookings.detail", booking_id=booking.id), 303)


@bp.post("/waitlist/<int:entry_id>/leave")
@login_required
def leave_waitlist(entry_id: int):
    entry = _own_entry(entry_id)
    waitlist.leave(entry)
    commit()
    flash(_("You left the waiting list."), "success")
    return redirect(url_for("bookings.mine"), 303)


@bp.record_once
def _settings(state) -> None:
    """Booking settings from the environment (config.py belongs to the foundation)."""
    import os

    config = state.app.config
    config.setdefault("BOOKING_HOLD_MINUTES", int(os.environ.get("BOOKING_HOLD_MINUTES") or 15))
    config.setdefault("WAITLIST_OFFER_MINUTES", int(os.environ.get("WAITLIST_OFFER_MINUTES") or 60))
    state.app.jinja_env.globals.update(booking_panel=booking_panel, new_booking_key=new_key)

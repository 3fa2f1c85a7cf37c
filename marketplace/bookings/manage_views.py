"""Group pages: bookings per occurrence, CSV export, approval, check-in, cancel a date."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Booking, BookingPolicy, Group, Listing, Slot
from models.errors import ValidationFailed

from .. import permissions
from ..extensions import db
from ..tx import commit
from . import group as group_services
from .forms import CheckInForm, PolicyForm, ReasonForm
from .inventory import policy_for

bp = Blueprint("bookings_manage", __name__, url_prefix="/manage")


def _back(booking: Booking):
    if booking.slot_id:
        return redirect(url_for("bookings_manage.occurrence", slot_id=booking.slot_id), 303)
    return redirect(url_for("bookings_manage.good_orders", listing_id=booking.listing_id), 303)


def _managed_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id) or abort(404)
    permissions.require(permissions.can_manage_bookings(current_user, booking.listing.group))
    return booking


def _managed_slot(slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id) or abort(404)
    permissions.require(permissions.can_manage_bookings(current_user, slot.listing.group))
    return slot


def _managed_good(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id) or abort(404)
    if listing.kind != "good":
        abort(404)
    permissions.require(permissions.can_manage_bookings(current_user, listing.group))
    return listing


@bp.get("/groups/<slug>/bookings")
@login_required
def overview(slug: str):
    group = db.session.scalar(select(Group).where(Group.slug == slug)) or abort(404)
    permissions.require(permissions.can_manage_bookings(current_user, group))
    return render_template("bookings/group_overview.html", group=group,
                           occurrences=group_services.group_occurrences(group))


def _occurrence_page(listing: Listing, slot: Slot | None):
    bookings = group_services.occurrence_bookings(listing, slot)
    commit()  # lazily expired holds
    return render_template("bookings/occurrence.html", listing=listing, slot=slot, bookings=bookings,
                           checkin_form=CheckInForm(formdata=None), reason_form=ReasonForm(formdata=None),
                           can_cancel_date=permissions.can_cancel_occurrence(current_user, listing.group))


@bp.get("/slots/<int:slot_id>/bookings")
@login_required
def occurrence(slot_id: int):
    slot = _managed_slot(slot_id)
    return _occurrence_page(slot.listing, slot)


@bp.get("/goods/<int:listing_id>/bookings")
@login_required
def good_orders(listing_id: int):
    return _occurrence_page(_managed_good(listing_id), None)


def _csv(listing: Listing, slot: Slot | None, name: str) -> Response:
    body = group_services.bookings_csv(group_services.occurrence_bookings(listing, slot))
    commit()
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.get("/slots/<int:slot_id>/bookings.csv")
@login_required
def occurrence_csv(slot_id: int):
    slot = _managed_slot(slot_id)
    return _csv(slot.listing, slot, f"bookings-{slot.listing_id}-{slot.starts_at:%Y%m%d-%H%M}")


@bp.get("/goods/<int:listing_id>/bookings.csv")
@login_required
def good_orders_csv(listing_id: int):
    listing = _managed_good(listing_id)
    return _csv(listing, None, f"orders-{listing.id}")


@bp.post("/bookings/<int:booking_id>/accept")
@login_required
def accept(booking_id: int):
    booking = _managed_booking(booking_id)
    group_services.accept(booking, current_user)
    commit()
    flash(_("Booking accepted; the resident has been told."), "success")
    return _back(booking)


@bp.post("/bookings/<int:booking_id>/decline")
@login_required
def decline(booking_id: int):
    booking = _managed_booking(booking_id)
    form = ReasonForm()
    group_services.decline(booking, current_user, (form.reason.data or "").strip())
    commit()
    flash(_("Booking declined; the resident has been told."), "success")
    return _back(booking)


@bp.post("/bookings/<int:booking_id>/check-in")
@login_required
def check_in(booking_id: int):
    booking = _managed_booking(booking_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("Choose attended or no show."))
    group_services.check_in(booking, current_user, attended=form.outcome.data == "attended")
    commit()
    flash(_("Checked in: %(name)s.", name=booking.user.display_name), "success")
    return _back(booking)


@bp.post("/slots/<int:slot_id>/cancel")
@login_required
def cancel_occurrence(slot_id: int):
    slot = db.session.get(Slot, slot_id) or abort(404)
    permissions.require(permissions.can_cancel_occurrence(current_user, slot.listing.group))
    form = ReasonForm()
    count = group_services.cancel_occurrence(slot, current_user, (form.reason.data or "").strip())
    commit()
    flash(_("The date is cancelled; %(n)s booking(s) were cancelled and everyone was told.", n=count), "success")
    return redirect(url_for("bookings_manage.occurrence", slot_id=slot.id), 303)


@bp.route("/listings/<int:listing_id>/booking-policy", methods=["GET", "POST"])
@login_required
def policy(listing_id: int):
    listing = db.session.get(Listing, listing_id) or abort(404)
    permissions.require(permissions.can_edit_booking_policy(current_user, listing))
    current = policy_for(listing)
    form = PolicyForm(obj=current)
    if form.validate_on_submit():
        row = db.session.get(BookingPolicy, listing.id)
        if row is None:
            row = BookingPolicy(listing_id=listing.id)
            db.session.add(row)
        form.populate_obj(row)
        commit()
        flash(_("Booking settings saved."), "success")
        return redirect(url_for("bookings_manage.policy", listing_id=listing.id), 303)
    return render_template("bookings/policy.html", listing=listing, form=form), 422 if form.errors else 200

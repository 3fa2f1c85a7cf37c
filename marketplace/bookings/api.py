"""POST /api/v1/bookings and reading one's bookings, as JSON.

CSRF: the API authenticates with the session cookie, so it must not be
forgeable from another site. Requests with a JSON body are exempt from the
form token because a cross-site page cannot send `Content-Type:
application/json` without a CORS preflight, which this site never grants
(and the session cookie is SameSite=Lax). Any other body type must carry the
X-CSRFToken header like a form would.
"""
from __future__ import annotations

import logging
import re

import stripe
from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from models import Booking
from models.errors import NotFound, ValidationFailed

from .. import permissions, schema_messages
from ..extensions import csrf, db
from ..http_errors import error_response
from ..tx import commit, rollback
from . import services
from .schemas import BookingCreateSchema, BookingSchema

bp = Blueprint("bookings_api", __name__, url_prefix="/api/v1")
log = logging.getLogger("commons.bookings")
csrf.exempt(bp)
KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,80}$")


@bp.before_request
def json_or_token():
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.mimetype != "application/json":
        csrf.protect()
    if not permissions.is_signed_in(current_user):
        return error_response(401, _("Please log in to continue."), "unauthorized")
    return None


@bp.get("/bookings")
def my_bookings():
    if not permissions.is_signed_in(current_user):
        return error_response(401, _("Please log in to continue."), "unauthorized")
    bookings = services.user_bookings(current_user)
    commit()
    return jsonify({"bookings": BookingSchema(many=True).dump(bookings)})


@bp.get("/bookings/<int:booking_id>")
def booking_detail(booking_id: int):
    if not permissions.is_signed_in(current_user):
        return error_response(401, _("Please log in to continue."), "unauthorized")
    booking = db.session.get(Booking, booking_id)
    if booking is None or not permissions.can_view_booking(current_user, booking):
        raise NotFound(_("No such booking."))
    return jsonify(BookingSchema().dump(booking))


@bp.post("/bookings")
def create_booking():
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not KEY.match(key):
        raise ValidationFailed(_("The Idempotency-Key header must be 8 to 80 letters, digits or -_:."),
                               fields={"Idempotency-Key": [_("Invalid key.")]})
    try:
        data = BookingCreateSchema().load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        raise ValidationFailed(fields=schema_messages.translated(exc.normalized_messages())) from None
    # Listing, pact, author, slot and booking policy in one query.
    listing, slot, policy = services.booking_target(data["listing_id"], data["slot_id"] or None)
    if listing is None or not permissions.can_see_booking_listing(current_user, listing):
        raise NotFound(_("No such listing."))
    if data["slot_id"] and slot is None:
        raise ValidationFailed(fields={"slot_id": [_("No such date.")]})
    booking, created = services.book(current_user, listing, slot=slot, quantity=data["quantity"],
                                     method=data["payment_method"], idempotency_key=key, policy=policy)
    commit()
    body = {}
    if booking.status == "pending_payment" and booking.payment and booking.payment.status == "pending":
        from ..payments.services import start_checkout

        try:
            start_checkout(booking.payment)
            commit()
        except stripe.StripeError as exc:
            rollback()
            log.warning("checkout for booking %s failed: %s", booking.id, exc)
            body["payment_error"] = _("The payment service did not answer; retry this request to get a link.")
    body.update(BookingSchema().dump(booking))
    response = jsonify(body)
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("bookings_api.booking_detail", booking_id=booking.id)
    return response

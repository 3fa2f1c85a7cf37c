"""Marshmallow schemas of the bookings API: input and output kept apart."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from models import PaymentMethod

from .. import schema_messages as checks


class BookingCreateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    listing_id = fields.Integer(required=True, strict=True, error_messages=checks.WHOLE)
    slot_id = fields.Integer(load_default=None, allow_none=True, strict=True, error_messages=checks.WHOLE)
    quantity = fields.Integer(load_default=1, strict=True, validate=checks.between(1, 100), error_messages=checks.WHOLE)
    payment_method = fields.String(load_default=None, allow_none=True, error_messages=checks.TEXT,
                                   validate=checks.one_of([method.value for method in PaymentMethod]))


class BookingSchema(Schema):
    """What the resident who booked sees."""

    id = fields.Integer()
    status = fields.String()
    listing_id = fields.Integer()
    slot_id = fields.Integer(allow_none=True)
    starts_at = fields.AwareDateTime(attribute="starts_at", allow_none=True)
    quantity = fields.Integer()
    payment_method = fields.String()
    amount_minor = fields.Integer()
    currency = fields.String(allow_none=True)
    amount_minutes = fields.Integer()
    expires_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    checkout_url = fields.Method("get_checkout_url")

    def get_checkout_url(self, booking):
        payment = booking.payment
        if booking.status == "pending_payment" and payment is not None and payment.status == "pending":
            return payment.checkout_url
        return None

"""Booking forms. The booking form carries a one-time key so a double click
submits the same booking twice and gets one."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import WHOLE_NUMBER, choices, in_range, required

KEY_PATTERN = r"^[A-Za-z0-9_\-]{8,80}$"


def new_key() -> str:
    return secrets.token_urlsafe(18)


def _quantity(**kwargs) -> IntegerField:
    return IntegerField(_l("How many"), default=1, validators=[required, in_range(1, 100)],
                        invalid_value_message=WHOLE_NUMBER, **kwargs)


class BookForm(FlaskForm):
    slot_id = SelectField(_l("Date"), coerce=int, validators=[Optional()], validate_choice=False)
    quantity = _quantity()
    # Required (panel.book_form_for) when the listing offers more than one way to pay.
    payment_method = RadioField(_l("Pay with"), validators=[Optional()], validate_choice=False)
    idempotency_key = HiddenField(validators=[DataRequired(), Regexp(KEY_PATTERN)])


class WaitlistForm(FlaskForm):
    # Shown on the same page as BookForm when sold out: ids of their own, so each label names its field.
    slot_id = HiddenField(validators=[Optional()], id="waitlist-slot_id")
    quantity = _quantity(id="waitlist-quantity")


class AcceptOfferForm(FlaskForm):
    payment_method = RadioField(_l("Pay with"), validators=[Optional()], validate_choice=False)
    idempotency_key = HiddenField(validators=[DataRequired(), Regexp(KEY_PATTERN)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (sent to the people concerned)"), validators=[Optional(), Length(max=300)])


class CheckInForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=choices([("attended", _l("Attended")),
                                                         ("no_show", _l("No show"))]),
                         validators=[DataRequired()])


class PolicyForm(FlaskForm):
    max_per_booking = IntegerField(_l("Most places in one booking"), validators=[required, in_range(1, 100)],
                                   invalid_value_message=WHOLE_NUMBER)
    free_cancel_hours = IntegerField(
        _l("Free cancellation until this many hours before the start"),
        validators=[required, in_range(0, 24 * 60)], invalid_value_message=WHOLE_NUMBER,
        description=_l("After that, residents who paid (money or hours) cannot cancel online."),
    )
    allow_multiple = BooleanField(_l("Allow a resident to hold several bookings for the same date"))
    requires_approval = BooleanField(_l("Bookings need our approval"))

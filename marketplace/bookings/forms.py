"""Booking forms. The booking form carries a one-time key so a double click
submits the same booking twice and gets one."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..forms import choices

KEY_PATTERN = r"^[A-Za-z0-9_\-]{8,80}$"


def new_key() -> str:
    return secrets.token_urlsafe(18)


class BookForm(FlaskForm):
    slot_id = SelectField(_l("Date"), coerce=int, validators=[Optional()], validate_choice=False)
    quantity = IntegerField(_l("How many"), default=1, validators=[DataRequired(), NumberRange(min=1, max=100)])
    payment_method = RadioField(_l("Pay with"), validators=[Optional()], validate_choice=False)
    idempotency_key = HiddenField(validators=[DataRequired(), Regexp(KEY_PATTERN)])


class WaitlistForm(FlaskForm):
    slot_id = HiddenField(validators=[Optional()])
    quantity = IntegerField(_l("How many"), default=1, validators=[DataRequired(), NumberRange(min=1, max=100)])


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
    max_per_booking = IntegerField(_l("Most places in one booking"), validators=[DataRequired(),
                                                                              NumberRange(min=1, max=100)])
    free_cancel_hours = IntegerField(
        _l("Free cancellation until this many hours before the start"),
        validators=[InputRequired(), NumberRange(min=0, max=24 * 60)],
        description=_l("After that, residents who paid (money or hours) cannot cancel online."),
    )
    allow_multiple = BooleanField(_l("Allow a resident to hold several bookings for the same date"))
    requires_approval = BooleanField(_l("Bookings need our approval"))

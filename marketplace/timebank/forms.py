"""Time-bank forms. Amounts are typed as hours ("2", "1:30", "1.5") and parsed
by amounts.parse_hours in the service call, so every path shares one parser."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import choices

_required = DataRequired(message=_l("This field is required."))
HOURS_HINT = _l("For example 2, 1:30 or 1.5 (an hour and a half).")


class GiftForm(FlaskForm):
    recipient = EmailField(_l("Email of the resident"), validators=[_required, Length(max=254)])
    hours = StringField(_l("Hours"), validators=[_required, Length(max=20)], description=HOURS_HINT)
    memo = StringField(_l("Message (optional)"), validators=[Optional(), Length(max=500)])


class PeriodForm(FlaskForm):
    """The statement period (GET, no CSRF)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To (inclusive)"), validators=[Optional()])


class LogHoursForm(FlaskForm):
    pact_id = SelectField(_l("Pact"), coerce=int, validators=[_required])
    worked_on = DateField(_l("Date of the work"), validators=[_required], default=dt.date.today)
    activity = TextAreaField(_l("What was done"), validators=[_required, Length(max=2000)])
    volunteers = TextAreaField(
        _l("Volunteers and hours"), validators=[_required, Length(max=20000)],
        description=_l("One person per line: their email and the hours, e.g. ana@example.org 2:30. "
                       "Everyone listed is logged together, or nobody if a line is wrong."))


class DisputeForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong"), validators=[_required, Length(max=2000)])


class EmptyForm(FlaskForm):
    """Only the CSRF token (confirm buttons)."""


class DecideForm(FlaskForm):
    decision = RadioField(_l("Decision"), validators=[_required],
                          choices=choices([("approve", _l("Approve and credit the hours")),
                                           ("reject", _l("Reject: no hours are credited"))]))
    hours = StringField(_l("Hours to credit (if approved)"), validators=[Optional(), Length(max=20)],
                        description=_l("Leave empty to credit the hours as logged."))
    reason = TextAreaField(_l("Reason"), validators=[_required, Length(max=2000)])


class AdjustForm(FlaskForm):
    account_id = IntegerField(_l("Account number"), validators=[_required])
    direction = RadioField(_l("Direction"), validators=[_required], default="credit",
                           choices=choices([("credit", _l("Credit (add hours)")), ("debit", _l("Debit (take hours)"))]))
    hours = StringField(_l("Hours"), validators=[_required, Length(max=20)], description=HOURS_HINT)
    reason = TextAreaField(_l("Reason"), validators=[_required, Length(max=2000)])


class FundingForm(FlaskForm):
    funding = SelectField(_l("Volunteer hours under this pact are paid by"),
                          choices=choices([("issuance", _l("the city (issuance account)")),
                                           ("group", _l("the group's own account"))]))

"""Moderation forms. Conditional rules (a reason for reject and hide) live
in the services, which report them per field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models import APPEAL_MESSAGE_MAX, REPORT_DETAILS_MAX

from ..forms import choices
from . import labels
from .services import STATEMENT_MAX

_required = DataRequired(message=_l("This field is required."))
_choose = InputRequired(message=_l("Choose one option."))


def _too_long(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(n)d characters.", n=n))


class ReportForm(FlaskForm):
    reason_code = RadioField(_l("What is wrong with this listing?"), validators=[_choose],
                             choices=choices(labels.REPORT_REASONS.items()))
    details = TextAreaField(_l("Details (optional)"), validators=[Optional(), _too_long(REPORT_DETAILS_MAX)],
                            description=_l("At most %(n)d characters. The group does not see your name.",
                                           n=REPORT_DETAILS_MAX))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), validators=[_choose], choices=[])
    reason_code = SelectField(_l("Reason code"), default="",
                              choices=choices([("", _l("— needed to reject or hide —"))]
                                              + list(labels.DECISION_REASONS.items())))
    statement = TextAreaField(_l("Statement of reasons or message to the group"),
                              validators=[_too_long(STATEMENT_MAX)],
                              description=_l("Sent to the group's coordinators. Required to reject, hide or "
                                             "request changes."))

    def offer(self, kinds) -> DecisionForm:
        self.decision.choices = choices([(k.value, labels.decision_label(k)) for k in kinds])
        return self


class CloseReportForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), validators=[_choose],
                         choices=choices([("resolved", _l("Resolve: the report was right")),
                                          ("dismissed", _l("Dismiss: nothing wrong"))]))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), _too_long(REPORT_DETAILS_MAX)])


class AppealForm(FlaskForm):
    message = TextAreaField(_l("Why should the city reconsider?"),
                            validators=[_required, _too_long(APPEAL_MESSAGE_MAX)],
                            description=_l("A decision can be appealed once. At most %(n)d characters.",
                                           n=APPEAL_MESSAGE_MAX))


class AppealDecisionForm(FlaskForm):
    outcome = RadioField(_l("Decision on the appeal"), validators=[_choose],
                         choices=choices([("restore", _l("Restore the listing")),
                                          ("uphold", _l("Uphold the decision"))]))
    reason = TextAreaField(_l("Reason"), validators=[_required, _too_long(STATEMENT_MAX)],
                           description=_l("Sent to the group."))


class SuspendForm(FlaskForm):
    reason_code = SelectField(_l("Reason code"), validators=[_required],
                              choices=choices([("", _l("— choose —"))] + list(labels.DECISION_REASONS.items())))
    reason = TextAreaField(_l("Reason"), validators=[_required, _too_long(STATEMENT_MAX)],
                           description=_l("Sent to the person by email and kept in the audit log."))


class UnsuspendForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[_required, _too_long(STATEMENT_MAX)])


class AuditFilterForm(FlaskForm):
    """Read from the query string; a GET search needs no CSRF token."""

    class Meta:
        csrf = False

    actor = StringField(_l("Actor (id, email or name; “system” for automatic)"),
                        validators=[Optional(), Length(max=254)])
    object_type = StringField(_l("Object type (e.g. listing, user)"), validators=[Optional(), Length(max=32)])
    object_id = IntegerField(_l("Object id"), validators=[Optional(), NumberRange(min=1)])
    action = StringField(_l("Action (e.g. listing.hide or listing.)"), validators=[Optional(), Length(max=64)])

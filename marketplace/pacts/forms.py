"""Pact forms: the proposal (with an existing or a new common good) and a moderator's decision."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from models import CommonsKind, PactKind

from ..forms import choices, required

COMMONS_KIND_LABELS = {
    CommonsKind.GREEN_AREA.value: _l("Green area"),
    CommonsKind.BUILDING.value: _l("Building"),
    CommonsKind.SCHOOL_YARD.value: _l("School yard"),
    CommonsKind.STREET.value: _l("Street"),
    CommonsKind.SQUARE.value: _l("Square"),
    CommonsKind.OTHER.value: _l("Other"),
}
PACT_KIND_LABELS = {
    PactKind.ORDINARY.value: _l("Ordinary: small, recurring care"),
    PactKind.COMPLEX.value: _l("Complex: valuable assets or several city offices"),
}


class PactForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required, Length(max=200)])
    kind = RadioField(_l("Kind of pact"), choices=choices(PACT_KIND_LABELS.items()), default=PactKind.ORDINARY.value,
                      validators=[required])
    commons_choice = RadioField(_l("Common good"), choices=choices([("existing", _l("One already in the registry")),
                                                                    ("new", _l("Propose a new one"))]),
                                default="existing", validators=[required])
    commons_id = SelectField(_l("Common good in the registry"), coerce=int, validate_choice=False,
                             validators=[Optional()])
    commons_name = StringField(_l("Name of the new common good"), validators=[Optional(), Length(max=160)])
    commons_kind = SelectField(_l("Kind of place"), choices=choices(COMMONS_KIND_LABELS.items()),
                               default=CommonsKind.GREEN_AREA.value)
    commons_address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])
    commons_district = StringField(_l("District"), validators=[Optional(), Length(max=80)])
    commons_latitude = FloatField(_l("Latitude"), description=_l("Decimal degrees, between -90 and 90, e.g. 46.7712"),
                                  validators=[Optional(), NumberRange(-90, 90, message=_l("Between -90 and 90."))])
    commons_longitude = FloatField(_l("Longitude"),
                                   description=_l("Decimal degrees, between -180 and 180, e.g. 23.6236"),
                                   validators=[Optional(), NumberRange(-180, 180,
                                                                       message=_l("Between -180 and 180."))])
    city_office = StringField(_l("City office"), validators=[Optional(), Length(max=160)])
    aims = TextAreaField(_l("Aims"), validators=[required], description=_l("Markdown allowed."))
    activities = TextAreaField(_l("Activities"), validators=[Optional()])
    group_commitments = TextAreaField(_l("What the group commits to"), validators=[Optional()])
    city_commitments = TextAreaField(_l("What the group asks of the city"),
                                     description=_l("Materials, tools, spaces, fee exemptions."),
                                     validators=[Optional()])
    start_date = DateField(_l("Start date"), validators=[required])
    end_date = DateField(_l("End date"), validators=[required])

    def set_commons_choices(self, commons: list) -> None:
        self.commons_id.choices = choices([(0, _l("— choose —"))] + [(c.id, f"{c.name} ({c.district})")
                                                                       for c in commons])

    def service_data(self) -> dict:
        data = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        return data


DECISION_LABELS = {
    "start_review": _l("Start the review"),
    "activate": _l("Activate the pact"),
    "reject": _l("Reject"),
    "return": _l("Send back to the group for changes"),
    "terminate": _l("Terminate"),
}


class DecisionForm(FlaskForm):
    action = HiddenField()
    reason = TextAreaField(_l("Reasons"), description=_l("Required to reject, send back or terminate; "
                                                         "the group reads them."),
                           validators=[Optional(), Length(max=5000)])

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from models import LISTING_CATEGORIES

from ..forms import choices, required
from .pricing import format_minutes_input, format_money_input

_number = _l("Enter a whole number.")

CATEGORY_LABELS = {
    "food": _l("Food"),
    "plants_seeds": _l("Plants and seeds"),
    "furniture": _l("Furniture"),
    "repair": _l("Repair"),
    "tutoring": _l("Tutoring"),
    "workshop": _l("Workshop"),
    "culture": _l("Culture"),
    "sport": _l("Sport"),
    "care": _l("Care"),
    "tools": _l("Tools"),
    "festival": _l("Festival"),
    "other": _l("Other"),
}
assert set(CATEGORY_LABELS) == set(LISTING_CATEGORIES)

KIND_CHOICES = [("good", _l("A good (vegetables, seeds, furniture...)")),
                ("service", _l("A service (a repair, a lesson...)")),
                ("event", _l("An event (a workshop, a festival...)"))]
PRICING_LABELS = {"free": _l("Free"), "money": _l("Money"), "hours": _l("Time-bank hours"),
                  "money_hours": _l("Money or time-bank hours")}


class ListingForm(FlaskForm):
    kind = SelectField(_l("What are you offering?"), choices=choices(KIND_CHOICES), validators=[required])
    title = StringField(_l("Title"), validators=[required, Length(max=160)])
    description = TextAreaField(_l("Description"), description=_l("Markdown allowed: **bold**, lists, links."),
                                validators=[Optional(), Length(max=20000)])
    category = SelectField(_l("Category"), choices=choices(CATEGORY_LABELS.items()), validators=[required])
    pact_id = SelectField(_l("Under the pact"), coerce=int, validate_choice=False, validators=[required])
    pricing = RadioField(_l("Price"), default="free", validators=[required])
    price = StringField(_l("Amount"), description=_l("For example 12.50"), validators=[Optional(), Length(max=12)])
    hours = StringField(_l("Time-bank hours"), description=_l("For example 2, 1.5 or 1:30"),
                        validators=[Optional(), Length(max=8)])
    stock = IntegerField(_l("How many are available"), validators=[Optional(), NumberRange(min=0, message=_number)])
    pickup_place = StringField(_l("Pickup place"), validators=[Optional(), Length(max=255)])
    pickup_hours = StringField(_l("Pickup hours"), description=_l("For example: Saturdays 10:00–13:00"),
                               validators=[Optional(), Length(max=255)])
    on_request = BooleanField(_l("Booked on request (no fixed times)"))
    address = StringField(_l("Address, if not at the pact's common good"), validators=[Optional(), Length(max=255)])
    latitude = FloatField(_l("Latitude"),
                          validators=[Optional(), NumberRange(-90, 90, message=_l("Between -90 and 90."))])
    longitude = FloatField(_l("Longitude"),
                           validators=[Optional(), NumberRange(-180, 180, message=_l("Between -180 and 180."))])

    def setup(self, pacts, stripe_enabled: bool, listing=None) -> None:
        pairs = [(p.id, p.title) for p in pacts]
        if listing is not None and listing.pact_id not in {p.id for p in pacts}:
            pairs.insert(0, (listing.pact_id, listing.pact.title))
        self.pact_id.choices = choices(pairs)
        keys = ["free", "money", "hours", "money_hours"] if stripe_enabled else ["free", "hours"]
        self.pricing.choices = choices((k, PRICING_LABELS[k]) for k in keys)

    def fill_from(self, listing) -> None:
        if listing.price_minor and listing.price_minutes:
            self.pricing.data = "money_hours"
        elif listing.price_minor:
            self.pricing.data = "money"
        elif listing.price_minutes:
            self.pricing.data = "hours"
        else:
            self.pricing.data = "free"
        self.price.data = format_money_input(listing.price_minor)
        self.hours.data = format_minutes_input(listing.price_minutes)

    def service_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class DatesForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Starts"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   validators=[required])
    ends_at = DateTimeLocalField(_l("Ends"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], validators=[required])
    capacity = IntegerField(_l("Places"), validators=[required, NumberRange(min=1, max=10000,
                                                                             message=_l("From 1 to 10000."))])
    repeat_until = DateField(_l("Repeat every week until"), validators=[Optional()],
                             description=_l("Leave empty for a single date. At most 52 dates at once."))


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo"), description=_l("JPEG, PNG or WebP, up to 5 MB."))
    alt_text = StringField(_l("Describe the photo"), description=_l("For people who cannot see it (required)."),
                           validators=[required, Length(max=250)])

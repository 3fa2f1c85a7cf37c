"""Query-string input of the search page and API (one marshmallow schema)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from models import LISTING_CATEGORIES, ListingKind
from search import MAX_PER_PAGE, SORTS, SearchParams
from search.query import MAX_QUERY_LENGTH, clean

from .. import schema_messages as checks

PRICING = ("free", "money", "hours")


class SearchArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", error_messages=checks.TEXT)
    kind = fields.String(validate=checks.one_of([k.value for k in ListingKind]), load_default=None)
    category = fields.String(validate=checks.one_of(LISTING_CATEGORIES), load_default=None)
    district = fields.String(validate=checks.at_most(80), load_default=None, error_messages=checks.TEXT)
    group = fields.Integer(validate=checks.between(1), load_default=None, error_messages=checks.WHOLE)
    pricing = fields.String(validate=checks.one_of(PRICING), load_default=None)
    free = fields.Boolean(load_default=False, error_messages=checks.YES_NO)
    hours = fields.Boolean(load_default=False, error_messages=checks.YES_NO)
    date_from = fields.Date(data_key="from", load_default=None, error_messages=checks.DATE)
    date_to = fields.Date(data_key="to", load_default=None, error_messages=checks.DATE)
    lat = fields.Float(validate=checks.between(-90, 90), load_default=None, error_messages=checks.NUMBER)
    lon = fields.Float(validate=checks.between(-180, 180), load_default=None, error_messages=checks.NUMBER)
    km = fields.Float(validate=checks.between(0.1, 500), load_default=None, error_messages=checks.NUMBER)
    sort = fields.String(validate=checks.one_of(SORTS), load_default="relevance")
    page = fields.Integer(validate=checks.between(1), load_default=1, error_messages=checks.WHOLE)
    per_page = fields.Integer(validate=checks.between(1), load_default=20, error_messages=checks.WHOLE)

    @validates_schema(skip_on_field_errors=False)
    def check(self, data, **kwargs):
        errors = {}
        if len(clean(data.get("q"))) > MAX_QUERY_LENGTH:
            errors["q"] = [str(_l("Your search is too long: use at most %(n)d characters.", n=MAX_QUERY_LENGTH))]
        if (data.get("lat") is None) != (data.get("lon") is None):
            errors["lat"] = [str(_l("Give both latitude and longitude."))]
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            errors["to"] = [str(_l("The end date must not be before the start date."))]
        if errors:
            raise ValidationError(errors)


def _blank_to_missing(args) -> dict:
    """Forms send empty fields; treat them as not given."""
    return {key: value for key, value in args.items() if value not in ("", None)}


def parse_args(args) -> tuple[SearchParams, dict]:
    """(params, errors). With errors, the invalid fields are left out of params."""
    raw = _blank_to_missing(args)
    schema = SearchArgsSchema()
    try:
        data = schema.load(raw)
        errors = {}
    except ValidationError as exc:
        errors = checks.translated(exc.messages)
        valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        data = {name: field.load_default for name, field in schema.fields.items()}
        data.update(valid)
        if "q" in errors:
            data["q"] = ""
        if "to" in errors:
            data["date_from"] = data["date_to"] = None
        if "lat" in errors or "lon" in errors:
            data["lat"] = data["lon"] = None
    near = (data["lat"], data["lon"]) if data.get("lat") is not None and data.get("lon") is not None else None
    params = SearchParams(
        q=data.get("q") or "", kind=data.get("kind"), category=data.get("category"),
        district=data.get("district"), group=str(data["group"]) if data.get("group") else None,
        pricing=data.get("pricing"), free_only=bool(data.get("free")), accepts_hours=bool(data.get("hours")),
        date_from=data.get("date_from"), date_to=data.get("date_to"), near=near,
        within_km=data.get("km") if near else None, sort=data.get("sort") or "relevance",
        page=data.get("page") or 1, per_page=min(data.get("per_page") or 20, MAX_PER_PAGE),
    )
    return params, errors

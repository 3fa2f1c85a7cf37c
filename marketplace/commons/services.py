"""Urban commons: picking an existing one or proposing a new one with a pact."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from models import Commons, CommonsKind
from models.errors import ValidationFailed

from ..extensions import db

# Coordinates are plain WGS84 degrees.
LAT_RANGE = (-90.0, 90.0)
LON_RANGE = (-180.0, 180.0)


def all_commons() -> list[Commons]:
    return list(db.session.scalars(select(Commons).order_by(Commons.district, Commons.name)))


def districts() -> list[str]:
    return list(db.session.scalars(select(Commons.district).distinct().order_by(Commons.district)))


def check_coordinates(latitude, longitude, *, lat_field: str = "latitude",
                      lon_field: str = "longitude", required: bool = True) -> tuple[float | None, float | None]:
    """Both or neither; numbers within range. Returns them as floats."""
    errors: dict[str, list[str]] = {}
    if latitude is None and longitude is None:
        if required:
            errors[lat_field] = [_("Give the latitude, e.g. 46.7712.")]
            errors[lon_field] = [_("Give the longitude, e.g. 23.6236.")]
            raise ValidationFailed(_("Give the place's map coordinates."), fields=errors)
        return None, None
    try:
        lat = float(latitude) if latitude is not None else None
    except (TypeError, ValueError):
        lat = None
        errors[lat_field] = [_("Enter a number.")]
    try:
        lon = float(longitude) if longitude is not None else None
    except (TypeError, ValueError):
        lon = None
        errors[lon_field] = [_("Enter a number.")]
    if latitude is None:
        errors[lat_field] = [_("Give the latitude too.")]
    elif lat is not None and not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        errors[lat_field] = [_("The latitude must be between -90 and 90.")]
    if longitude is None:
        errors[lon_field] = [_("Give the longitude too.")]
    elif lon is not None and not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        errors[lon_field] = [_("The longitude must be between -180 and 180.")]
    if errors:
        raise ValidationFailed(_("The map coordinates are not valid."), fields=errors)
    return lat, lon


def propose_commons(name: str, kind: str, address: str, district: str, latitude, longitude,
                    description: str = "", *, prefix: str = "commons_") -> Commons:
    """A new common good, proposed with a pact. Field errors use `prefix`."""
    errors: dict[str, list[str]] = {}
    name, address, district = (name or "").strip(), (address or "").strip(), (district or "").strip()
    if not name:
        errors[prefix + "name"] = [_("Give the common good a name.")]
    if not address:
        errors[prefix + "address"] = [_("Give the address.")]
    if not district:
        errors[prefix + "district"] = [_("Give the district.")]
    if kind not in {k.value for k in CommonsKind}:
        errors[prefix + "kind"] = [_("Choose a kind from the list.")]
    try:
        lat, lon = check_coordinates(latitude, longitude, lat_field=prefix + "latitude",
                                     lon_field=prefix + "longitude")
    except ValidationFailed as exc:
        errors.update(exc.fields)
        lat = lon = None
    if errors:
        raise ValidationFailed(_("Some details of the new common good are missing or wrong."), fields=errors)
    commons = Commons(name=name[:160], kind=kind, address=address[:255], district=district[:80],
                      latitude=lat, longitude=lon, description=description or "")
    db.session.add(commons)
    db.session.flush()
    return commons

"""Translated messages for marshmallow schemas (marshmallow's own are English only).

Schemas build their fields with these helpers; `translated()` turns the lazy
messages of a ValidationError into plain strings in the reader's language,
one list per field, ready for a page or a JSON body.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import validate

REQUIRED = _l("This field is required.")
CHOICE = _l("Choose one option.")
NUMBER = {"invalid": _l("Enter a number."), "required": REQUIRED}
WHOLE = {"invalid": _l("Enter a whole number."), "required": REQUIRED}
DATE = {"invalid": _l("Enter a date like 2026-05-31."), "required": REQUIRED}
YES_NO = {"invalid": _l("Choose yes or no."), "required": REQUIRED}
TEXT = {"invalid": _l("Enter some text."), "required": REQUIRED}


def one_of(values) -> validate.OneOf:
    return validate.OneOf(values, error=CHOICE)


def between(low=None, high=None) -> validate.Range:
    if high is None:
        message = _l("Use a number of at least %(low)s.", low=low)
    else:
        message = _l("Use a number from %(low)s to %(high)s.", low=low, high=high)
    return validate.Range(min=low, max=high, error=message)


def at_most(characters: int) -> validate.Length:
    return validate.Length(max=characters, error=_l("Use at most %(n)d characters.", n=characters))


def translated(messages) -> dict[str, list[str]]:
    """`ValidationError.messages` with every message a plain string, one list per field."""
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    return {name: [str(m) for m in (found if isinstance(found, list) else [found])]
            for name, found in messages.items()}

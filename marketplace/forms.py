"""Shared form helpers."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from models.errors import DomainError, ValidationFailed

from .http_errors import user_message
from .i18n import LANGUAGE_NAMES

# Validators and messages the forms share, in the reader's language (WTForms' own are English).
# InputRequired, not DataRequired: a typed 0 is then told it is out of range rather than missing.
required = InputRequired(message=_l("This field is required."))
WHOLE_NUMBER = _l("Enter a whole number.")


def in_range(low: int, high: int) -> NumberRange:
    return NumberRange(min=low, max=high, message=_l("Use a number from %(low)s to %(high)s.", low=low, high=high))


def apply_errors(form, exc: ValidationFailed) -> None:
    """Show a service's validation error on the form: per field, or at the top."""
    placed = False
    for name, messages in (exc.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [str(m) for m in messages]
            placed = True
    form.form_errors = list(getattr(form, "form_errors", [])) + ([] if placed else [user_message(exc)])
    if placed:
        form.form_errors.append(user_message(exc))


def add_service_checks(form, check) -> None:
    """The form already failed: also show what the service's own check (`check()`, which only validates
    and writes nothing) finds in the other fields, so the person learns every problem in one round.
    A field the form already flagged keeps its message."""
    try:
        check()
    except DomainError as exc:
        for name, messages in exc.fields.items():
            field = getattr(form, name, None)
            if field is not None and not field.errors:
                field.errors = [str(m) for m in messages]


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 SelectChoice objects (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


def locale_field(label=None) -> SelectField:
    return SelectField(
        label or _l("Your language (pages and messages)"),
        choices=choices([("", _l("Same as my browser"))] + list(LANGUAGE_NAMES.items())),
        default="",
    )

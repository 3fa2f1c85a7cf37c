"""Domain errors raised by models and services.

Each carries a user-facing message (translated by the web layer) and the
HTTP status the single error module maps it to.
"""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; nothing was written."""

    status_code = 422
    code = "domain_error"

    def __init__(self, message: str = "", *, fields: dict | None = None):
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.fields = fields or {}
        # Without a message of its own the English docstring stands in; the web layer words it instead.
        self.generic = not message


class InvalidTransition(DomainError):
    """This change of status is not allowed."""

    status_code = 409
    code = "invalid_transition"


class TransitionRefused(InvalidTransition):
    """A state machine refused a move; the web layer words it in the reader's language."""

    def __init__(self, thing: str, current: str, new: str):
        super().__init__(f"{thing} cannot go from {current} to {new}")
        self.thing, self.current, self.new = thing, current, new


class NotFound(DomainError):
    """Not found."""

    status_code = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """You are not allowed to do this."""

    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """This conflicts with the current state."""

    status_code = 409
    code = "conflict"


class ValidationFailed(DomainError):
    """Some fields are not valid."""

    status_code = 422
    code = "validation_failed"

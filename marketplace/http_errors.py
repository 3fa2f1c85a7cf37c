"""One place that turns errors into responses, as HTML or JSON.

JSON is answered for /api/ paths and for clients that prefer
application/json; everything else gets a page.
"""
from __future__ import annotations

import logging

from flask import jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from models.errors import DomainError, TransitionRefused

from .tx import rollback

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do this."),
    404: _l("We could not find this page."),
    405: _l("This action is not allowed here."),
    409: _l("This conflicts with the current state."),
    413: _l("The upload is too large."),
    422: _l("Some of the information is not valid."),
    429: _l("Too many attempts. Please wait a little and try again."),
    500: _l("Something went wrong on our side. Nothing was saved; please try again."),
    503: _l("The service is temporarily unavailable."),
}

CODES = {
    400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 422: "validation_failed",
    429: "too_many_requests", 500: "internal_error", 503: "unavailable",
}


def user_message(exc: DomainError) -> str:
    """What to tell the reader about `exc`, in their language.

    Services raise translated messages; a model's state machine cannot (models
    do not import Flask), so its refusals are worded here.
    """
    if isinstance(exc, TransitionRefused):
        return str(_l("This change of status is not possible any more: someone may have changed it "
                      "meanwhile. Please reload the page."))
    if exc.generic:
        return str(MESSAGES.get(exc.status_code, MESSAGES[500]))
    return exc.message


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str | None = None, code: str | None = None,
                   fields: dict | None = None):
    message = str(message or MESSAGES.get(status, MESSAGES[500]))
    code = code or CODES.get(status, "error")
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return make_response(jsonify(body), status)
    html = render_template("errors/error.html", status=status, message=message)
    return make_response(html, status)


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return error_response(400, str(_l("Your form expired or was sent from elsewhere. "
                                          "Please reload the page and try again.")), "csrf_failed")

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        rollback()
        return error_response(exc.status_code, user_message(exc), exc.code, exc.fields)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message = MESSAGES.get(status) if status in MESSAGES else exc.description
        response = error_response(status, message)
        valid_methods = getattr(exc, "valid_methods", None)
        if status == 405 and valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        rollback()
        return error_response(500)

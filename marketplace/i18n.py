"""Locale choice: the visitor's explicit choice, then their profile, then the browser."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    supported = current_app.config["SUPPORTED_LOCALES"]
    if not has_request_context():  # CLI commands and background work
        return current_app.config["DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in supported:
        return current_user.locale
    return request.accept_languages.best_match(supported) or current_app.config["DEFAULT_LOCALE"]


LANGUAGE_NAMES = {
    "en": "English",
    "ro": "Română",
    "it": "Italiano",
    "pl": "Polski",
    "hu": "Magyar",
}

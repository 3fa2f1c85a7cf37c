"""Filters and globals the templates use: Markdown, money, hours, dates."""
from __future__ import annotations

from decimal import Decimal

import markdown as md
import nh3
from flask import current_app
from flask_babel import format_currency, format_datetime, get_locale
from markupsafe import Markup

from . import permissions
from .i18n import LANGUAGE_NAMES
from .timebank.amounts import format_minutes

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
                "h3", "h4", "hr"}


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, then sanitised: no scripts, no event handlers, only
    http(s)/mailto links, which get rel="nofollow noopener"."""
    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return Markup(clean)


def money(minor: int | None, currency: str | None = None) -> str:
    """Minor units shown the reader's way ("12,50 RON" in Romanian, "RON 12.50" in English).

    Decimal, not float, so no amount is ever shown a cent off."""
    if minor is None:
        return ""
    currency = currency or current_app.config["CURRENCY"]
    return format_currency(Decimal(minor).scaleb(-2), currency)


# One way of writing hours everywhere: the time bank's ("2 h", "1 h 30 min", "-45 min").
hours = format_minutes


def register_template_helpers(app) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["hours"] = hours
    # Day, date and 24-hour time without seconds, with month names in the visitor's language.
    app.jinja_env.filters["datetime"] = (
        lambda value, fmt="EEE d MMM yyyy, HH:mm": format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.globals.update(
        perm=permissions,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_locale=lambda: str(get_locale()),
    )

    @app.context_processor
    def site_context():
        from flask_login import current_user

        from .notifications.services import unread_count

        unread = unread_count(current_user) if current_user.is_authenticated else 0
        return {"city_name": app.config["CITY_NAME"], "unread_notifications": unread,
                "stripe_enabled": bool(app.config.get("STRIPE_SECRET_KEY"))}

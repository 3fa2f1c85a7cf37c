"""Flask-Login wiring: how a session finds its user."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from models import User, UserStatus

from ..extensions import db


def configure_login(login_manager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    # "strong" drops the session when the browser's fingerprint changes.
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            user = db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None
        # A suspended account is logged out at its next request.
        if user is None or user.status != UserStatus.ACTIVE.value:
            return None
        return user

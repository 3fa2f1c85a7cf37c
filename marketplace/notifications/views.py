"""The notification list and its unread count."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..tx import commit
from . import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html", notifications=services.recent(current_user))


@bp.post("/notifications/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    commit()
    flash(_("All notifications are marked as read."), "info")
    return redirect(url_for("notifications.index"))

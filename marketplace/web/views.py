"""Home page and site-wide small actions."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import func, select

from models import Group, Listing, Pact, PactStatus
from models.visibility import public_listings

from ..accounts.views import _safe_next
from ..extensions import db
from ..tx import commit

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    latest = db.session.scalars(
        public_listings().order_by(Listing.published_at.desc().nullslast(), Listing.id.desc()).limit(9)
    ).all()
    counts = {
        "groups": db.session.scalar(select(func.count(Group.id))),
        "active_pacts": db.session.scalar(select(func.count(Pact.id)).where(Pact.status == PactStatus.ACTIVE.value)),
    }
    return render_template("home.html", latest=latest, counts=counts)


@bp.post("/language")
def set_language():
    """Remember the chosen language (in the session, and on the profile)."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["SUPPORTED_LOCALES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.get("/about")
def about():
    return render_template("about.html")

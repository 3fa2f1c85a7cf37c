"""Pact pages."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from models import Listing, Pact, PactStatus
from models.visibility import public_listings

from .. import permissions
from ..extensions import db

bp = Blueprint("pacts", __name__)

# Drafts and proposals under review belong to the group and the city.
PUBLIC_PACT_STATUSES = {PactStatus.ACTIVE, PactStatus.EXPIRED, PactStatus.TERMINATED}


def _visible(pact: Pact) -> bool:
    if pact.effective_status() in PUBLIC_PACT_STATUSES:
        return True
    return permissions.can_moderate(current_user) or any(
        permissions.is_group_member(current_user, g) for g in pact.groups
    )


@bp.get("/pacts")
def index():
    pacts = [p for p in db.session.scalars(select(Pact).order_by(Pact.start_date.desc())).all() if _visible(p)]
    return render_template("pacts/index.html", pacts=pacts)


@bp.get("/pacts/<int:pact_id>")
def detail(pact_id: int):
    pact = db.session.get(Pact, pact_id) or abort(404)
    if not _visible(pact):
        abort(404)
    listings = db.session.scalars(public_listings().where(Listing.pact_id == pact.id).order_by(Listing.title)).all()
    return render_template("pacts/detail.html", pact=pact, listings=listings)

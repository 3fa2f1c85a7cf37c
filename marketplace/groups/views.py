"""Group pages."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from models import Group, Listing, Pact, pact_groups
from models.visibility import public_listings

from ..extensions import db

bp = Blueprint("groups", __name__)


@bp.get("/groups")
def index():
    groups = db.session.scalars(select(Group).order_by(Group.name)).all()
    return render_template("groups/index.html", groups=groups)


@bp.get("/groups/<slug>")
def detail(slug: str):
    group = db.session.scalar(select(Group).where(Group.slug == slug)) or abort(404)
    listings = db.session.scalars(
        public_listings().where(Listing.group_id == group.id).order_by(Listing.title)
    ).all()
    pacts = db.session.scalars(
        select(Pact).join(pact_groups).where(pact_groups.c.group_id == group.id).order_by(Pact.start_date.desc())
    ).all()
    return render_template("groups/detail.html", group=group, listings=listings, pacts=pacts)

"""Listing pages (read-only for now)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from models import Listing
from models.visibility import is_public

from .. import permissions
from ..extensions import db

bp = Blueprint("listings", __name__)


@bp.get("/listings/<int:listing_id>")
def detail(listing_id: int):
    listing = db.session.get(Listing, listing_id) or abort(404)
    # The group and the city see unpublished listings; everyone else gets 404,
    # so a hidden listing's existence is not revealed.
    if not is_public(listing) and not (
        permissions.can_edit_listing(current_user, listing) or permissions.can_moderate(current_user)
    ):
        abort(404)
    return render_template("listings/detail.html", listing=listing, public=is_public(listing))

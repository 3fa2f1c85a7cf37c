"""Pact pages: the public registry, proposals by groups, review by the city."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Commons, Group, Listing, Pact
from models.errors import ValidationFailed
from models.visibility import public_listings

from .. import permissions
from ..commons.services import all_commons, districts
from ..extensions import db
from ..forms import add_service_checks, apply_errors
from ..http_errors import user_message
from ..tx import commit, rollback
from . import services
from .forms import DECISION_LABELS, PACT_KIND_LABELS, DecisionForm, PactForm

bp = Blueprint("pacts", __name__)


def _load(pact_id: int) -> Pact:
    pact = db.session.get(Pact, pact_id) or abort(404)
    if not permissions.can_see_pact(current_user, pact):
        abort(404)  # drafts and proposals do not reveal that they exist
    return pact


@bp.get("/pacts")
def index():
    args = request.args
    commons_id = args.get("commons", type=int)
    status = args.get("status", "")
    query = services.public_pacts(status=status, district=args.get("district", ""), kind=args.get("kind", ""),
                                  commons_id=commons_id)
    pacts = db.session.scalars(query).unique().all()
    return render_template("pacts/index.html", pacts=pacts, districts=districts(), commons=all_commons(),
                           kinds=PACT_KIND_LABELS, statuses=services.PUBLIC_FILTER_STATUSES, args=args)


def _render_detail(pact: Pact, form: DecisionForm | None = None, status: int = 200):
    listings = db.session.scalars(public_listings().where(Listing.pact_id == pact.id).order_by(Listing.title)).all()
    own_listings = []
    if permissions.is_pact_party(current_user, pact):
        own_listings = db.session.scalars(
            select(Listing).where(Listing.pact_id == pact.id).order_by(Listing.id.desc())).all()
    return render_template("pacts/detail.html", pact=pact, listings=listings, own_listings=own_listings,
                           decision_form=form or DecisionForm(), decisions=DECISION_LABELS), status


@bp.get("/pacts/<int:pact_id>")
def detail(pact_id: int):
    return _render_detail(_load(pact_id))


def _pact_form(pact: Pact | None = None) -> PactForm:
    form = PactForm(obj=pact if request.method == "GET" else None)
    form.set_commons_choices(all_commons())
    if pact is not None and request.method == "GET":
        form.commons_id.data = pact.commons_id
    return form


@bp.route("/groups/<slug>/pacts/new", methods=["GET", "POST"])
@login_required
def propose(slug: str):
    group = db.session.scalar(select(Group).where(Group.slug == slug)) or abort(404)
    permissions.require(permissions.can_propose_pact(current_user, group))
    form = _pact_form()
    if form.validate_on_submit():
        try:
            pact = services.propose_pact(current_user, group, form.service_data())
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("Your draft is saved. Check it and submit it to the city when it is ready."), "success")
            return redirect(url_for("pacts.detail", pact_id=pact.id))
    elif form.is_submitted():
        add_service_checks(form, lambda: services.check_pact_fields(form.service_data()))
    return render_template("pacts/form.html", form=form, group=group, pact=None), 422 if form.errors else 200


@bp.route("/pacts/<int:pact_id>/edit", methods=["GET", "POST"])
@login_required
def edit(pact_id: int):
    pact = _load(pact_id)
    permissions.require(permissions.can_edit_pact(current_user, pact))
    form = _pact_form(pact)
    if form.validate_on_submit():
        try:
            services.update_pact(current_user, pact, form.service_data())
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("The draft is saved."), "success")
            return redirect(url_for("pacts.detail", pact_id=pact.id))
    elif form.is_submitted():
        add_service_checks(form, lambda: services.check_pact_fields(form.service_data()))
    return render_template("pacts/form.html", form=form, group=pact.groups[0], pact=pact), \
        422 if form.errors else 200


@bp.post("/pacts/<int:pact_id>/submit")
@login_required
def submit(pact_id: int):
    pact = _load(pact_id)
    permissions.require(permissions.can_edit_pact(current_user, pact))
    try:
        services.submit_pact(current_user, pact)
        commit()
    except ValidationFailed as exc:
        rollback()
        flash(user_message(exc) + " " + _("Edit the draft and try again."), "error")
        return redirect(url_for("pacts.edit", pact_id=pact.id))
    flash(_("The pact is submitted. The city will review it; you will be told of the decision."), "success")
    return redirect(url_for("pacts.detail", pact_id=pact.id))


@bp.post("/pacts/<int:pact_id>/decide")
@login_required
def decide(pact_id: int):
    pact = _load(pact_id)
    permissions.require(permissions.can_review_pacts(current_user))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide_pact(current_user, pact, form.action.data, form.reason.data)
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("Decision saved: %(decision)s.", decision=DECISION_LABELS[form.action.data]), "success")
            return redirect(url_for("pacts.detail", pact_id=pact.id))
    return _render_detail(db.session.get(Pact, pact_id), form, 422)


@bp.get("/pacts/review")
@login_required
def review_queue():
    permissions.require(permissions.can_review_pacts(current_user))
    return render_template("pacts/review.html", pacts=services.review_queue())


@bp.get("/commons/<int:commons_id>")
def commons_detail(commons_id: int):
    commons = db.session.get(Commons, commons_id) or abort(404)
    pacts = db.session.scalars(services.public_pacts(commons_id=commons.id)).unique().all()
    return render_template("pacts/commons.html", commons=commons, pacts=pacts)

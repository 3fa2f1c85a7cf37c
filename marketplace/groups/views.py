"""Group pages: the public list and page, and the group's own dashboard."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Group, Listing, Membership, Pact, pact_groups
from models.errors import ValidationFailed
from models.visibility import public_listings

from .. import permissions
from ..extensions import db
from ..forms import apply_errors
from ..http_errors import user_message
from ..pacts.services import pacts_of_group
from ..tx import commit, rollback
from . import services
from .forms import GroupForm, InviteForm, RoleForm, SettingsForm

bp = Blueprint("groups", __name__)


def _group(slug: str) -> Group:
    return db.session.scalar(select(Group).where(Group.slug == slug)) or abort(404)


@bp.get("/groups")
def index():
    groups = db.session.scalars(select(Group).order_by(Group.name)).all()
    return render_template("groups/index.html", groups=groups)


@bp.get("/groups/<slug>")
def detail(slug: str):
    group = _group(slug)
    listings = db.session.scalars(
        public_listings().where(Listing.group_id == group.id).order_by(Listing.title)
    ).all()
    pacts = db.session.scalars(
        select(Pact).join(pact_groups).where(pact_groups.c.group_id == group.id).order_by(Pact.start_date.desc())
    ).all()
    return render_template("groups/detail.html", group=group, listings=listings, pacts=pacts)


@bp.get("/my/groups")
@login_required
def mine():
    return render_template("groups/mine.html", groups=services.groups_of(current_user))


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def create():
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = services.create_group(current_user, form.name.data, form.description.data,
                                          form.contact_email.data)
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("The group is created and you are its coordinator."), "success")
            return redirect(url_for("groups.manage", slug=group.slug))
    return render_template("groups/form.html", form=form, group=None), 422 if form.errors else 200


@bp.route("/groups/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    group = _group(slug)
    permissions.require(permissions.can_manage_group(current_user, group))
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        try:
            services.update_group(current_user, group, form.name.data, form.description.data,
                                  form.contact_email.data)
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("The group's details are saved."), "success")
            return redirect(url_for("groups.manage", slug=group.slug))
    return render_template("groups/form.html", form=form, group=group), 422 if form.errors else 200


def _render_manage(group: Group, invite_form=None, status: int = 200):
    listings = db.session.scalars(select(Listing).where(Listing.group_id == group.id)
                                  .order_by(Listing.id.desc())).all()
    settings_form = SettingsForm(obj=group, formdata=None)
    return render_template("groups/manage.html", group=group, members=services.members_of(group),
                           pacts=pacts_of_group(group), listings=listings,
                           invite_form=invite_form or InviteForm(formdata=None), settings_form=settings_form,
                           role_form=RoleForm(formdata=None)), status


@bp.get("/groups/<slug>/manage")
@login_required
def manage(slug: str):
    group = _group(slug)
    permissions.require(permissions.can_view_group_dashboard(current_user, group))
    return _render_manage(group)


@bp.post("/groups/<slug>/invite")
@login_required
def invite(slug: str):
    group = _group(slug)
    permissions.require(permissions.can_manage_group(current_user, group))
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite_member(current_user, group, form.email.data, form.role.data)
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("The invitation is sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("groups.manage", slug=group.slug))
    return _render_manage(group, invite_form=form, status=422)


@bp.route("/groups/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token: str):
    try:
        group, payload = services.read_invitation(token)
    except ValidationFailed as exc:
        return render_template("groups/invitation.html", error=user_message(exc), group=None), 400
    if request.method == "POST":
        services.accept_invitation(current_user, token)  # PermissionDenied -> 403 page with the reason
        commit()
        flash(_("Welcome to %(group)s!", group=group.name), "success")
        return redirect(url_for("groups.manage", slug=group.slug))
    wrong_user = current_user.email != payload["e"]
    return render_template("groups/invitation.html", error=None, group=group, payload=payload,
                           wrong_user=wrong_user, role=services.role_label(payload["r"]))


def _membership(group: Group, membership_id: int) -> Membership:
    m = db.session.get(Membership, membership_id)
    if m is None or m.group_id != group.id:
        abort(404)
    return m


@bp.post("/groups/<slug>/members/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int):
    group = _group(slug)
    permissions.require(permissions.can_manage_group(current_user, group))
    membership = _membership(group, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role from the list."), "error")
        return redirect(url_for("groups.manage", slug=group.slug))
    services.change_role(current_user, membership, form.role.data)  # Conflict -> 409 page with the reason
    commit()
    flash(_("The role is changed."), "success")
    return redirect(url_for("groups.manage", slug=group.slug))


@bp.post("/groups/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    group = _group(slug)
    membership = _membership(group, membership_id)
    # Coordinators remove anyone; a member may leave.
    permissions.require(permissions.can_manage_group(current_user, group) or membership.user_id == current_user.id)
    services.remove_member(current_user, membership)
    commit()
    flash(_("The member is removed from the group."), "success")
    if permissions.is_group_member(current_user, group) or permissions.is_admin(current_user):
        return redirect(url_for("groups.manage", slug=group.slug))
    return redirect(url_for("groups.detail", slug=group.slug))


@bp.post("/groups/<slug>/settings")
@login_required
def settings(slug: str):
    group = _group(slug)
    permissions.require(permissions.can_set_group_review(current_user))
    form = SettingsForm()
    if form.validate_on_submit():
        services.set_listings_need_review(current_user, group, form.listings_need_review.data)
        commit()
        flash(_("The group's settings are saved."), "success")
    return redirect(url_for("groups.manage", slug=group.slug))

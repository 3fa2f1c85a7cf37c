"""Listing pages: the public page, and the group's create/edit/dates/photos pages."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Group, Listing, ListingPhoto, Slot
from models.errors import ValidationFailed
from models.visibility import is_public

from .. import permissions
from ..extensions import db
from ..forms import add_service_checks, apply_errors
from ..http_errors import user_message
from ..pacts.services import active_pacts_of_group
from ..tx import commit, rollback
from . import photos, services
from .forms import CATEGORY_LABELS, DatesForm, ListingForm, PhotoForm

bp = Blueprint("listings", __name__)


@bp.app_template_filter("category_label")
def category_label(value: str) -> str:
    return str(CATEGORY_LABELS.get(value, value))


def _visible(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id) or abort(404)
    # The group and the city see unpublished listings; everyone else gets 404,
    # so a hidden listing's existence is not revealed.
    if not permissions.can_see_listing(current_user, listing):
        abort(404)
    return listing


def _editable(listing_id: int) -> Listing:
    listing = _visible(listing_id)
    permissions.require(permissions.can_edit_listing(current_user, listing))
    return listing


@bp.get("/listings/<int:listing_id>")
def detail(listing_id: int):
    listing = _visible(listing_id)
    return render_template("listings/detail.html", listing=listing, public=is_public(listing),
                           can_edit=permissions.can_edit_listing(current_user, listing))


def _form(group: Group, listing: Listing | None = None) -> ListingForm:
    form = ListingForm(obj=listing if request.method == "GET" else None)
    form.setup(active_pacts_of_group(group), services.stripe_enabled(), listing)
    if listing is not None:
        form.kind.data = listing.kind  # the kind is fixed once created
        if request.method == "GET":
            form.fill_from(listing)
    return form


@bp.route("/groups/<slug>/listings/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    group = db.session.scalar(select(Group).where(Group.slug == slug)) or abort(404)
    permissions.require(permissions.can_create_listing(current_user, group))
    form = _form(group)
    if form.validate_on_submit():
        try:
            listing = services.create_listing(current_user, group, form.service_data())
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("The listing is saved as a draft."), "success")
            if listing.kind != "good" and not listing.on_request:
                return redirect(url_for("listings.dates", listing_id=listing.id))
            return redirect(url_for("listings.detail", listing_id=listing.id))
    elif form.is_submitted():
        add_service_checks(form, lambda: services.check_listing_fields(form.service_data(), form.kind.data))
    return render_template("listings/form.html", form=form, group=group, listing=None), \
        422 if form.errors else 200


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def edit(listing_id: int):
    listing = _editable(listing_id)
    services.ensure_editable(listing)
    form = _form(listing.group, listing)
    if form.validate_on_submit():
        try:
            services.update_listing(current_user, listing, form.service_data())
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("The listing is saved."), "success")
            if listing.status == "pending_review":
                flash(_("Your group's listings are reviewed: the changes are waiting for the city."), "info")
            return redirect(url_for("listings.detail", listing_id=listing.id))
    elif form.is_submitted():
        add_service_checks(form, lambda: services.check_listing_fields(form.service_data(), listing.kind))
    return render_template("listings/form.html", form=form, group=listing.group, listing=listing), \
        422 if form.errors else 200


@bp.post("/listings/<int:listing_id>/submit")
@login_required
def submit(listing_id: int):
    listing = _editable(listing_id)
    try:
        services.submit_listing(current_user, listing)
        commit()
    except ValidationFailed as exc:
        rollback()
        flash(user_message(exc), "error")
        return redirect(url_for("listings.detail", listing_id=listing_id))
    if listing.status == "published":
        flash(_("The listing is published."), "success")
    else:
        flash(_("The listing is sent to the city for review. You will be told when it is published."), "success")
    return redirect(url_for("listings.detail", listing_id=listing.id))


@bp.post("/listings/<int:listing_id>/archive")
@login_required
def archive(listing_id: int):
    listing = _editable(listing_id)
    services.archive_listing(current_user, listing)
    commit()
    flash(_("The listing is archived and no longer public."), "success")
    return redirect(url_for("groups.manage", slug=listing.group.slug))


@bp.route("/listings/<int:listing_id>/dates", methods=["GET", "POST"])
@login_required
def dates(listing_id: int):
    listing = _editable(listing_id)
    if listing.kind == "good":
        abort(404)
    form = DatesForm()
    if form.validate_on_submit():
        try:
            added = services.add_occurrences(current_user, listing, form.starts_at.data, form.ends_at.data,
                                             form.capacity.data, form.repeat_until.data)
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("%(n)d date(s) added.", n=len(added)), "success")
            return redirect(url_for("listings.dates", listing_id=listing.id))
    return render_template("listings/dates.html", form=form, listing=listing), 422 if form.errors else 200


@bp.post("/listings/<int:listing_id>/dates/<int:slot_id>/delete")
@login_required
def delete_date(listing_id: int, slot_id: int):
    listing = _editable(listing_id)
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.listing_id != listing.id:
        abort(404)
    services.remove_occurrence(current_user, listing, slot)
    commit()
    flash(_("The date is removed."), "success")
    return redirect(url_for("listings.dates", listing_id=listing.id))


@bp.route("/listings/<int:listing_id>/photos", methods=["GET", "POST"])
@login_required
def photo_list(listing_id: int):
    listing = _editable(listing_id)
    form = PhotoForm()
    valid = form.validate_on_submit()
    data = b""
    if form.is_submitted() and form.photo.data:
        upload = form.photo.data
        try:
            data = upload.read(photos.MAX_BYTES + 1)
        finally:
            upload.close()  # large uploads are spooled to a temporary file: close it now
    if valid:
        try:
            photos.add_photo(current_user, listing, data, form.alt_text.data)
            commit()
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("The photo is added."), "success")
            return redirect(url_for("listings.photo_list", listing_id=listing.id))
    elif form.is_submitted():
        add_service_checks(form, lambda: photos.check_upload(data, form.alt_text.data))
    return render_template("listings/photos.html", form=form, listing=listing,
                           max_photos=photos.MAX_PHOTOS_PER_LISTING), 422 if form.errors else 200


def _photo(listing: Listing, photo_id: int) -> ListingPhoto:
    photo = db.session.get(ListingPhoto, photo_id)
    if photo is None or photo.listing_id != listing.id:
        abort(404)
    return photo


@bp.post("/listings/<int:listing_id>/photos/<int:photo_id>/delete")
@login_required
def delete_photo(listing_id: int, photo_id: int):
    listing = _editable(listing_id)
    photos.delete_photo(current_user, _photo(listing, photo_id))
    commit()
    flash(_("The photo is removed."), "success")
    return redirect(url_for("listings.photo_list", listing_id=listing.id))


@bp.get("/listings/<int:listing_id>/photos/<int:photo_id>/<size>")
def photo_file(listing_id: int, photo_id: int, size: str):
    listing = _visible(listing_id)
    photo = _photo(listing, photo_id)
    if size not in photos.SIZES:
        abort(404)
    path = photos.photo_path(photo, size)
    if not path.is_file():
        abort(404)
    # Photos are small (re-encoded, at most 1600 px): read them whole rather than
    # hold a file handle open for the life of the response.
    response = Response(path.read_bytes(), mimetype=photo.content_type)
    response.set_etag(photo.token + size)
    response.cache_control.max_age = 3600
    response.make_conditional(request)
    # Public photos may be cached by anyone; unpublished ones only by the browser.
    response.cache_control.public = is_public(listing)
    response.cache_control.private = not is_public(listing)
    return response

"""Moderation pages. Each view: parse -> load or 404 -> permission or 403 ->
one service call -> commit -> redirect (or the page again with errors)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Appeal, Group, ListingKind, Report, User
from models import Listing as ListingModel
from models.errors import DomainError, ValidationFailed
from models.visibility import is_public

from .. import permissions as perm
from ..extensions import db
from ..forms import apply_errors
from ..http_errors import user_message
from ..tx import commit, rollback
from . import appeals, queue, reports, services, users
from .forms import (
    AppealDecisionForm,
    AppealForm,
    AuditFilterForm,
    CloseReportForm,
    DecisionForm,
    ReportForm,
    SuspendForm,
    UnsuspendForm,
)
from .labels import TEMPLATE_HELPERS

bp = Blueprint("moderation", __name__)


@bp.app_context_processor
def moderation_helpers():
    return dict(TEMPLATE_HELPERS, moderation_panel=_panel, pact_review_url=_pact_review_url)


# Pact review belongs to the pacts domain: its decision form is on the pact
# page, and it may keep its own queue page.
def _pact_review_url(pact=None) -> str | None:
    if pact is not None:
        return url_for("pacts.detail", pact_id=pact.id)
    if "pacts.review_queue" in current_app.view_functions:
        return url_for("pacts.review_queue")
    return None


def _panel(listing) -> dict:
    """What the listing page shows about moderation to this visitor."""
    me = current_user
    in_group = perm.is_group_member(me, listing.group)
    public = is_public(listing)
    panel = {"public": public, "can_report": False, "already_reported": False, "in_group": in_group,
             "decision": None, "appealable": None, "appeal": None}
    if perm.can_report_listing(me, listing) and public:
        panel["already_reported"] = reports.existing_report(me, listing) is not None
        panel["can_report"] = not panel["already_reported"]
        panel["form"] = ReportForm()
    if in_group or perm.can_moderate(me):
        action = appeals.last_action(listing)
        panel["decision"] = action
        panel["appeal"] = appeals.appeal_for(action)
        if in_group and panel["appeal"] is None and appeals.appealable_action(listing) is not None:
            panel["appealable"] = action
            panel["appeal_form"] = AppealForm()
    return panel


def _load(model, object_id: int):
    return db.session.get(model, object_id) or abort(404)


def _require_moderator():
    if not current_user.is_authenticated:
        from ..extensions import login_manager

        return login_manager.unauthorized()
    perm.require(perm.can_moderate(current_user))
    return None


@bp.before_request
def guard_city_pages():
    """Every /moderation page is for the city; residents' report and appeal
    routes check their own rules."""
    if request.path.startswith("/moderation"):
        return _require_moderator()
    return None


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if value and value > 0 else None


def _attempt(form, call) -> tuple[object, int]:
    """Run one service call and commit. A broken rule is shown: on the form
    for field problems, as a message at the top otherwise.
    Returns (result, 0) on success or (None, HTTP status) on failure."""
    try:
        result = call()
        commit()
        return result, 0
    except ValidationFailed as exc:
        rollback()
        apply_errors(form, exc)
        return None, 422
    except DomainError as exc:
        # Not about a field (already decided, wrong status...): said at the
        # top of the page, which may no longer show the form.
        rollback()
        flash(user_message(exc), "error")
        return None, exc.status_code


# -- the queue and the review page -----------------------------------------------

@bp.get("/moderation")
def queue_index():
    section = request.args.get("section", "pending")
    if section not in queue.SECTIONS:
        section = "pending"
    kind = request.args.get("kind") or None
    if kind not in {k.value for k in ListingKind}:
        kind = None
    filters = queue.QueueFilters(section=section, group_id=_int_arg("group"), kind=kind,
                                 mine=request.args.get("mine") == "1", page=_int_arg("page") or 1)
    groups = db.session.scalars(select(Group).order_by(Group.name)).all()
    return render_template("moderation/queue.html", filters=filters, page=queue.queue_page(filters, current_user),
                           counts=queue.counts(filters, current_user), groups=groups,
                           sections=queue.SECTIONS, kinds=[k.value for k in ListingKind])


def close_form_for(report, formdata=None) -> CloseReportForm:
    # One form per report on the page: the prefix keeps field ids unique.
    return CloseReportForm(formdata=formdata, prefix=f"report{report.id}")


def appeal_form_for(appeal, formdata=None) -> AppealDecisionForm:
    return AppealDecisionForm(formdata=formdata, prefix=f"appeal{appeal.id}")


def _review_page(listing, *, decision_form=None, appeal_forms=None, report_forms=None, status=200):
    action = queue.last_decision(listing)
    decision_form = decision_form or DecisionForm(formdata=None)
    decision_form.offer(services.available_decisions(listing))
    return render_template(
        "moderation/listing.html", listing=listing, public=is_public(listing),
        last_action=action, changes=queue.changes_since(listing, action),
        history=queue.listing_history(listing), reports=queue.listing_reports(listing),
        appeals=queue.listing_appeals(listing), decision_form=decision_form,
        appeal_forms=appeal_forms or {}, report_forms=report_forms or {},
        can_decide=perm.can_moderate_listing(current_user, listing),
        close_form_for=close_form_for, appeal_form_for=appeal_form_for,
        author=db.session.get(User, listing.created_by_id) if listing.created_by_id else None,
        threshold=services.report_threshold(),
    ), status


@bp.get("/moderation/listings/<int:listing_id>")
def listing(listing_id: int):
    return _review_page(_load(ListingModel, listing_id))


@bp.post("/moderation/listings/<int:listing_id>/decision")
def decide(listing_id: int):
    item = _load(ListingModel, listing_id)
    perm.require(perm.can_moderate_listing(current_user, item))
    form = DecisionForm().offer(services.available_decisions(item))
    status = 422
    if form.validate():
        action, status = _attempt(form, lambda: services.decide_listing(
            current_user, item, form.decision.data, reason_code=form.reason_code.data or "",
            statement=form.statement.data or ""))
        if action is not None:
            flash(_("Decision recorded: %(decision)s. The group was told.",
                    decision=TEMPLATE_HELPERS["decision_label"](action.kind)), "success")
            return redirect(url_for("moderation.listing", listing_id=item.id))
    return _review_page(item, decision_form=form, status=status)


@bp.post("/moderation/reports/<int:report_id>/close")
def close_report(report_id: int):
    report = _load(Report, report_id)
    perm.require(perm.can_moderate_listing(current_user, report.listing))
    form = close_form_for(report, request.form)
    status = 422
    if form.validate():
        done, status = _attempt(form, lambda: reports.close_report(current_user, report, form.outcome.data,
                                                                   form.note.data or ""))
        if done is not None:
            flash(_("The report is closed."), "success")
            return redirect(url_for("moderation.listing", listing_id=report.listing_id))
    return _review_page(report.listing, report_forms={report.id: form}, status=status)


@bp.post("/moderation/appeals/<int:appeal_id>/decision")
def decide_appeal(appeal_id: int):
    appeal = _load(Appeal, appeal_id)
    perm.require(perm.can_decide_appeal(current_user, appeal))
    form = appeal_form_for(appeal, request.form)
    status = 422
    if form.validate():
        done, status = _attempt(form, lambda: appeals.decide_appeal(current_user, appeal, form.outcome.data,
                                                                    form.reason.data))
        if done is not None:
            flash(_("The appeal is decided and the group was told."), "success")
            return redirect(url_for("moderation.listing", listing_id=appeal.listing_id))
    return _review_page(appeal.listing, appeal_forms={appeal.id: form}, status=status)


# -- residents report, groups appeal ---------------------------------------------------

@bp.route("/listings/<int:listing_id>/report", methods=["GET", "POST"])
@login_required
def report_listing(listing_id: int):
    item = _load(ListingModel, listing_id)
    if not is_public(item):
        abort(404)
    perm.require(perm.can_report_listing(current_user, item))
    form = ReportForm()
    if reports.existing_report(current_user, item) is not None:
        flash(reports.already_reported_message(), "info")
        return redirect(url_for("listings.detail", listing_id=item.id))
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        done, status = _attempt(form, lambda: reports.report_listing(current_user, item, form.reason_code.data,
                                                                     form.details.data or ""))
        if done is not None:
            flash(_("Thank you. Your report was sent to the city's moderators."), "success")
            if is_public(item):
                return redirect(url_for("listings.detail", listing_id=item.id))
            return redirect(url_for("web.home"))
    return render_template("moderation/report.html", listing=item, form=form), status


@bp.route("/listings/<int:listing_id>/appeal", methods=["GET", "POST"])
@login_required
def appeal_listing(listing_id: int):
    item = _load(ListingModel, listing_id)
    perm.require(perm.can_appeal_listing(current_user, item))
    action = appeals.appealable_action(item)
    if action is None or appeals.appeal_for(action) is not None:
        flash(_("There is no decision on this listing that can still be appealed."), "info")
        return redirect(url_for("listings.detail", listing_id=item.id))
    form = AppealForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        done, status = _attempt(form, lambda: appeals.file_appeal(current_user, item, form.message.data))
        if done is not None:
            flash(_("Your appeal was sent. A moderator will answer it."), "success")
            return redirect(url_for("listings.detail", listing_id=item.id))
    return render_template("moderation/appeal.html", listing=item, action=action, form=form), status


# -- users -----------------------------------------------------------------------------

@bp.get("/moderation/users")
def user_index():
    q = request.args.get("q", "")[:254]
    return render_template("moderation/users.html", users=users.find_users(q), q=q)


def _user_page(target, *, suspend_form=None, unsuspend_form=None, status=200):
    authored = db.session.scalars(select(ListingModel).where(ListingModel.created_by_id == target.id)
                                  .order_by(ListingModel.id.desc())).all()
    return render_template(
        "moderation/user.html", target=target, actions=users.user_actions(target), listings=authored,
        suspend_form=suspend_form or SuspendForm(formdata=None),
        unsuspend_form=unsuspend_form or UnsuspendForm(formdata=None),
        can_suspend=perm.can_suspend_user(current_user, target), is_public=is_public,
    ), status


@bp.get("/moderation/users/<int:user_id>")
def user_detail(user_id: int):
    return _user_page(_load(User, user_id))


@bp.post("/moderation/users/<int:user_id>/suspend")
def suspend(user_id: int):
    target = _load(User, user_id)
    perm.require(perm.can_suspend_user(current_user, target))
    form = SuspendForm()
    status = 422
    if form.validate():
        done, status = _attempt(form, lambda: users.suspend_user(current_user, target, form.reason_code.data,
                                                                 form.reason.data))
        if done is not None:
            flash(_("The account is suspended and its listings are hidden."), "success")
            return redirect(url_for("moderation.user_detail", user_id=target.id))
    return _user_page(target, suspend_form=form, status=status)


@bp.post("/moderation/users/<int:user_id>/unsuspend")
def unsuspend(user_id: int):
    target = _load(User, user_id)
    perm.require(perm.can_suspend_user(current_user, target))
    form = UnsuspendForm()
    status = 422
    if form.validate():
        done, status = _attempt(form, lambda: users.unsuspend_user(current_user, target, form.reason.data))
        if done is not None:
            flash(_("The account is active again."), "success")
            return redirect(url_for("moderation.user_detail", user_id=target.id))
    return _user_page(target, unsuspend_form=form, status=status)


# -- audit log (read only: no route here or anywhere writes to it except services) ------

@bp.get("/moderation/audit")
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    status = 200
    if request.args and not form.validate():
        status = 422
        filters = queue.AuditFilters(page=1)
        page = queue.Page(items=[], page=1, per_page=50, total=0)
    else:
        filters = queue.AuditFilters(actor=form.actor.data or "", object_type=form.object_type.data or "",
                                     object_id=form.object_id.data, action=form.action.data or "",
                                     page=_int_arg("page") or 1)
        page = queue.audit_page(filters)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("moderation/audit.html", form=form, page=page, args=args,
                           object_types=queue.audit_object_types()), status

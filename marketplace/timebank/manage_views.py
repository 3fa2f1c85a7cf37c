"""Pages for coordinators (group wallet, logging hours), moderators (disputes,
pact funding) and admins (all accounts, adjustments)."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from models import Account, Group, Pact, VolunteerLog
from models.errors import DomainError, ValidationFailed

from .. import permissions as perm
from ..extensions import db
from ..forms import apply_errors, choices
from ..http_errors import user_message
from ..tx import rollback
from . import services, statements, volunteering
from .amounts import parse_hours
from .forms import AdjustForm, DecideForm, FundingForm, LogHoursForm, PeriodForm
from .views import bp, csv_response, period_from


def _group(slug: str) -> Group:
    return db.session.scalar(select(Group).where(Group.slug == slug)) or abort(404)


@bp.get("/groups/<slug>/wallet")
@login_required
def group_wallet(slug: str):
    group = _group(slug)
    perm.require(perm.can_view_group_wallet(current_user, group))
    form = PeriodForm(request.args)
    if not form.validate():
        abort(422)
    account = services.ensure_group_account(group)
    stmt = statements.statement(account, *period_from(form))
    db.session.commit()
    return render_template("timebank/group_wallet.html", group=group, account=account, statement=stmt, form=form,
                           logs=volunteering.group_logs(group),
                           can_log=perm.can_log_volunteer_hours(current_user, group))


@bp.get("/groups/<slug>/wallet/statement.csv")
@login_required
def group_statement_csv(slug: str):
    group = _group(slug)
    perm.require(perm.can_view_group_wallet(current_user, group))
    form = PeriodForm(request.args)
    if not form.validate():
        abort(422)
    account = services.ensure_group_account(group)
    db.session.commit()
    stmt = statements.statement(account, *period_from(form), limit=None)
    return csv_response(statements.statement_csv(stmt), f"{group.slug}-hours-{dt.date.today().isoformat()}.csv")


@bp.route("/groups/<slug>/volunteering/new", methods=["GET", "POST"])
@login_required
def log_hours(slug: str):
    group = _group(slug)
    perm.require(perm.can_log_volunteer_hours(current_user, group))
    pacts = volunteering.active_pacts(group)
    form = LogHoursForm()
    form.pact_id.choices = choices([(p.id, p.title) for p in pacts])
    if form.validate_on_submit():
        try:
            rows, problems = volunteering.parse_volunteer_lines(form.volunteers.data)
            logs = services.run_in_transaction(lambda: volunteering.log_hours(
                current_user, group, form.pact_id.data, form.worked_on.data, form.activity.data, rows,
                problems=problems))
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("Logged hours for %(n)d volunteer(s). They are asked to confirm.", n=len(logs)), "success")
            return redirect(url_for("timebank.group_wallet", slug=group.slug))
    status = 422 if (form.errors or getattr(form, "form_errors", None)) else 200
    return render_template("timebank/log_hours.html", group=group, form=form, pacts=pacts), status


def decide_form_for(log_id: int, formdata=None) -> DecideForm:
    # One form per disputed log on the page: the prefix keeps field ids unique.
    return DecideForm(formdata=formdata, prefix=f"log{log_id}")


def _disputes_page(submitted: dict[int, DecideForm] | None = None, status: int = 200):
    """Every disputed log with its form: the one just submitted keeps what was typed and its errors."""
    logs = volunteering.disputed()
    forms = {log.id: (submitted or {}).get(log.id) or decide_form_for(log.id) for log in logs}
    return render_template("timebank/disputes.html", logs=logs, forms=forms), status


@bp.get("/timebank/disputes")
@login_required
def disputes():
    perm.require(perm.can_decide_volunteer_disputes(current_user))
    return _disputes_page()


@bp.post("/timebank/disputes/<int:log_id>")
@login_required
def decide_dispute(log_id: int):
    perm.require(perm.can_decide_volunteer_disputes(current_user))
    log = db.session.get(VolunteerLog, log_id) or abort(404)
    form = decide_form_for(log_id, request.form)
    if form.validate_on_submit():
        try:
            minutes = parse_hours(form.hours.data) if (form.hours.data or "").strip() else None
            services.run_in_transaction(lambda: volunteering.decide(
                current_user, log, approve=form.decision.data == "approve", minutes=minutes, reason=form.reason.data))
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("Decision saved and the volunteer told."), "success")
            return redirect(url_for("timebank.disputes"))
    return _disputes_page({log_id: form}, 422)


@bp.route("/timebank/pacts/<int:pact_id>/funding", methods=["GET", "POST"])
@login_required
def pact_funding(pact_id: int):
    perm.require(perm.can_set_pact_funding(current_user))
    pact = db.session.get(Pact, pact_id) or abort(404)
    form = FundingForm(funding=volunteering.pact_funding(pact))
    if form.validate_on_submit():
        services.run_in_transaction(lambda: volunteering.set_pact_funding(current_user, pact, form.funding.data))
        flash(_("Saved."), "success")
        return redirect(url_for("timebank.pact_funding", pact_id=pact.id))
    return render_template("timebank/pact_funding.html", pact=pact, form=form), 422 if form.errors else 200


@bp.get("/admin/timebank")
@login_required
def admin_accounts():
    perm.require(perm.can_manage_ledger(current_user))
    return render_template("timebank/admin_accounts.html", accounts=statements.all_accounts(), form=AdjustForm())


@bp.get("/admin/timebank/accounts/<int:account_id>")
@login_required
def admin_account(account_id: int):
    perm.require(perm.can_manage_ledger(current_user))
    account = db.session.get(Account, account_id) or abort(404)
    form = PeriodForm(request.args)
    if not form.validate():
        abort(422)
    stmt = statements.statement(account, *period_from(form))
    return render_template("timebank/admin_account.html", account=account, statement=stmt, form=form,
                           adjust_form=AdjustForm(account_id=account.id))


@bp.post("/admin/timebank/adjust")
@login_required
def adjust():
    perm.require(perm.can_manage_ledger(current_user))
    form = AdjustForm()
    if form.validate_on_submit():
        account = db.session.get(Account, form.account_id.data)
        try:
            if account is None:
                raise ValidationFailed(_("There is no account with this number."),
                                       fields={"account_id": [_("Not found.")]})
            minutes = parse_hours(form.hours.data)
            signed = minutes if form.direction.data == "credit" else -minutes
            services.run_in_transaction(lambda: services.adjust_account(current_user, account, signed,
                                                                        form.reason.data))
        except ValidationFailed as exc:
            rollback()
            apply_errors(form, exc)
        except DomainError as exc:
            rollback()
            form.form_errors = [user_message(exc)]
        else:
            flash(_("Adjustment saved and audit logged."), "success")
            return redirect(url_for("timebank.admin_account", account_id=account.id))
    return render_template("timebank/admin_accounts.html", accounts=statements.all_accounts(), form=form), 422

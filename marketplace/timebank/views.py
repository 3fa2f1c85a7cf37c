"""Resident pages: the wallet, its statement and CSV, gifts, answering volunteer logs."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from models import VolunteerLog
from models.errors import DomainError

from .. import permissions as perm
from ..extensions import db
from ..forms import add_service_checks, apply_errors
from ..tx import rollback
from . import services, statements
from . import volunteering as vol
from .amounts import format_minutes
from .forms import DisputeForm, EmptyForm, GiftForm, PeriodForm

bp = Blueprint("timebank", __name__)

REASON_LABELS = {
    "volunteering": _l("Volunteering"), "booking_payment": _l("Booking payment"), "refund": _l("Refund"),
    "gift": _l("Gift"), "adjustment": _l("Adjustment"), "reversal": _l("Reversal"),
}
STATUS_LABELS = {
    "pending": _l("waiting for your answer"), "confirmed": _l("confirmed"), "disputed": _l("disputed"),
    "approved": _l("approved by a moderator"), "rejected": _l("rejected by a moderator"),
}


@bp.app_context_processor
def timebank_labels():
    return {"REASON_LABELS": REASON_LABELS, "VOLUNTEER_STATUS_LABELS": STATUS_LABELS, "fmt_minutes": format_minutes}


def period_from(form: PeriodForm) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Dates in the city's time zone → [start, end) in aware datetimes (end date inclusive)."""
    zone = ZoneInfo(current_app.config.get("TIMEZONE", "UTC"))
    start = end = None
    if form.start.data:
        start = dt.datetime.combine(form.start.data, dt.time(0), tzinfo=zone)
    if form.end.data:
        end = dt.datetime.combine(form.end.data + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def csv_response(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/wallet")
@login_required
def wallet():
    form = PeriodForm(request.args)
    if not form.validate():
        return render_template("timebank/wallet.html", form=form, statement=None, account=None), 422
    account = services.ensure_user_account(current_user)
    start, end = period_from(form)
    stmt = statements.statement(account, start, end)
    db.session.commit()  # the account may have just been created
    return render_template("timebank/wallet.html", form=form, account=account, statement=stmt,
                           holds=services.open_holds(account), pending=vol.pending_for(current_user),
                           gifts_enabled=services.gifts_enabled(), confirm_form=EmptyForm())


@bp.get("/wallet/statement.csv")
@login_required
def statement_csv():
    form = PeriodForm(request.args)
    if not form.validate():
        abort(422)
    account = services.user_account(current_user)
    if account is None:
        account = services.ensure_user_account(current_user)
        db.session.commit()
    stmt = statements.statement(account, *period_from(form), limit=None)
    return csv_response(statements.statement_csv(stmt), f"wallet-{dt.date.today().isoformat()}.csv")


@bp.route("/wallet/gift", methods=["GET", "POST"])
@login_required
def gift():
    if not services.gifts_enabled():
        abort(404)
    perm.require(perm.can_gift_hours(current_user, True))
    form = GiftForm()
    if form.validate_on_submit():
        try:
            services.run_in_transaction(lambda: services.give_hours(current_user, form.recipient.data,
                                                                    form.hours.data, form.memo.data))
        except DomainError as exc:  # unreadable input, not enough hours, a refused recipient
            rollback()
            apply_errors(form, exc)
        else:
            flash(_("Hours sent."), "success")
            return redirect(url_for("timebank.wallet"))
    elif form.is_submitted():
        add_service_checks(form, lambda: services.read_gift(current_user, form.recipient.data, form.hours.data))
    account = services.ensure_user_account(current_user)
    db.session.commit()
    status = 422 if (form.errors or getattr(form, "form_errors", None)) else 200
    return render_template("timebank/gift.html", form=form, account=account), status


def _load_log(log_id: int) -> VolunteerLog:
    return db.session.get(VolunteerLog, log_id) or abort(404)


@bp.get("/wallet/volunteering/<int:log_id>")
@login_required
def volunteering(log_id: int):
    log = _load_log(log_id)
    perm.require(perm.can_view_volunteer_log(current_user, log))
    return render_template("timebank/volunteering.html", log=log, confirm_form=EmptyForm(),
                           dispute_form=DisputeForm(), can_answer=perm.can_answer_volunteer_log(current_user, log))


@bp.post("/wallet/volunteering/<int:log_id>/confirm")
@login_required
def confirm_volunteering(log_id: int):
    log = _load_log(log_id)
    perm.require(perm.can_answer_volunteer_log(current_user, log))
    services.run_in_transaction(lambda: vol.confirm(current_user, log))
    flash(_("Thank you! The hours are in your wallet."), "success")
    return redirect(url_for("timebank.wallet"))


@bp.post("/wallet/volunteering/<int:log_id>/dispute")
@login_required
def dispute_volunteering(log_id: int):
    log = _load_log(log_id)
    perm.require(perm.can_answer_volunteer_log(current_user, log))
    form = DisputeForm()
    if form.validate_on_submit():
        services.run_in_transaction(lambda: vol.dispute(current_user, log, form.reason.data))
        flash(_("The moderators will look at it and tell you their decision."), "info")
        return redirect(url_for("timebank.wallet"))
    return render_template("timebank/volunteering.html", log=log, confirm_form=EmptyForm(), dispute_form=form,
                           can_answer=True), 422

"""Volunteering: coordinators log hours, volunteers confirm or dispute, moderators decide.

State changes use a conditional UPDATE (`... WHERE status = 'pending'`) whose
row count decides, so a double click or two moderators at once credit the
hours exactly once.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select, update

from models import (
    FundingSource,
    Group,
    Pact,
    PactTimebankSetting,
    TransferReason,
    User,
    UserStatus,
    VolunteerLog,
    VolunteerStatus,
    normalise_email,
    utcnow,
)
from models.errors import Conflict, PermissionDenied, ValidationFailed

from .. import audit
from ..extensions import db
from ..notifications.services import tell
from . import ledger, services
from .amounts import format_minutes, parse_hours

S = VolunteerStatus
MAX_MINUTES_PER_DAY = 24 * 60
MAX_DAYS_BACK = 366
MAX_VOLUNTEERS_PER_BATCH = 200


def pact_funding(pact: Pact) -> str:
    row = db.session.get(PactTimebankSetting, pact.id)
    return row.funding if row is not None else FundingSource(services.setting("TIMEBANK_DEFAULT_FUNDING")).value


def set_pact_funding(actor: User, pact: Pact, funding: str) -> PactTimebankSetting:
    """Choose who pays for volunteer hours under a pact (the city or the group). Audited."""
    funding = FundingSource(funding).value
    row = db.session.get(PactTimebankSetting, pact.id)
    before = {"funding": pact_funding(pact)}
    if row is None:
        row = PactTimebankSetting(pact_id=pact.id)
        db.session.add(row)
    row.funding, row.updated_by_id = funding, actor.id
    audit.record(actor, "timebank.pact_funding", pact, before=before, after={"funding": funding})
    db.session.flush()
    return row


def active_pacts(group: Group) -> list[Pact]:
    pacts = db.session.scalars(select(Pact).where(Pact.groups.any(Group.id == group.id)).order_by(Pact.title))
    return [p for p in pacts if p.is_active()]


def parse_volunteer_lines(text: str) -> tuple[list[tuple[str, int]], list[str]]:
    """Lines of "email hours" (comma, semicolon or spaces between) → ([(email, minutes)], problems).

    Pass both to log_hours: every bad line is reported at once, together with
    the problems found about the people, and nothing is logged unless all are valid.
    """
    rows, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.replace(";", " ").replace(",", " ", 1).split()
        if len(parts) != 2:
            problems.append(_("Line %(n)d: write an email and the hours, like: ana@example.org 2:30", n=number))
            continue
        try:
            rows.append((normalise_email(parts[0]), parse_hours(parts[1])))
        except ValidationFailed as exc:
            problems.append(_("Line %(n)d: %(problem)s", n=number, problem=exc.message))
    return rows, problems


def log_hours(coordinator: User, group: Group, pact_id: int, worked_on: dt.date, activity: str,
              volunteers: list[tuple[str, int]], *, problems: list[str] | tuple = ()) -> list[VolunteerLog]:
    """Log volunteer hours for one or more people (one transaction: all or nothing).

    Each volunteer must be a registered, active user other than the
    coordinator; the pact must be one of the group's active pacts; the date
    not in the future nor over a year ago; at most 24 h per person.
    """
    pact = db.session.get(Pact, pact_id)
    if pact is None or group not in pact.groups or not pact.is_active():
        raise ValidationFailed(_("Choose one of the group's active pacts."), fields={"pact_id": [_("Not active.")]})
    today = dt.date.today()
    if worked_on > today:
        raise ValidationFailed(_("The date cannot be in the future."), fields={"worked_on": [_("In the future.")]})
    if worked_on < today - dt.timedelta(days=MAX_DAYS_BACK):
        raise ValidationFailed(_("Hours can be logged up to a year after the work."),
                               fields={"worked_on": [_("Too long ago.")]})
    activity = (activity or "").strip()
    if not activity:
        raise ValidationFailed(_("Say what was done."), fields={"activity": [_("Required.")]})
    problems, seen, logs = list(problems), set(), []
    if not volunteers and not problems:
        problems.append(_("Add at least one volunteer: an email and the hours on each line."))
    if len(volunteers) > MAX_VOLUNTEERS_PER_BATCH:
        problems.append(_("Log at most %(n)d volunteers at once.", n=MAX_VOLUNTEERS_PER_BATCH))
    funding = pact_funding(pact)
    batch = secrets.token_hex(8) if len(volunteers) > 1 else ""
    for email, minutes in volunteers:
        user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            problems.append(_("%(email)s is not registered on the site.", email=email))
        elif user.status != UserStatus.ACTIVE.value:
            problems.append(_("%(email)s is suspended and cannot receive hours.", email=email))
        elif user.id == coordinator.id:
            problems.append(_("You cannot log hours for yourself; ask another coordinator."))
        elif user.id in seen:
            problems.append(_("%(email)s is listed twice.", email=email))
        elif minutes > MAX_MINUTES_PER_DAY:
            problems.append(_("%(email)s: at most 24 hours for one day.", email=email))
        else:
            seen.add(user.id)
            logs.append(VolunteerLog(group_id=group.id, pact_id=pact.id, volunteer=user, logged_by_id=coordinator.id,
                                     batch=batch, activity=activity[:2000], worked_on=worked_on, minutes=minutes,
                                     funding=funding, status=S.PENDING.value))
    if problems:
        raise ValidationFailed(" ".join(problems), fields={"volunteers": problems})
    db.session.add_all(logs)
    db.session.flush()
    for entry in logs:
        tell([entry.volunteer], lambda e=entry: (
            _("%(group)s logged %(hours)s of volunteering for you", group=group.name, hours=format_minutes(e.minutes)),
            _("Please confirm it or tell us what is wrong: %(activity)s on %(date)s.",
              activity=activity, date=worked_on.isoformat())),
             link=url_for("timebank.volunteering", log_id=entry.id))
    return logs


def _move_status(log: VolunteerLog, frm: set[VolunteerStatus], to: VolunteerStatus, **values) -> None:
    """Conditional UPDATE: only one of two racing requests wins."""
    result = db.session.execute(
        update(VolunteerLog).where(VolunteerLog.id == log.id, VolunteerLog.status.in_([s.value for s in frm]))
        .values(status=to.value, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("This volunteering record was already handled."))
    db.session.refresh(log)


def _credit(log: VolunteerLog, minutes: int, actor: User):
    volunteer = services.ensure_user_account(log.volunteer)
    if log.funding == FundingSource.GROUP.value:
        source = services.ensure_group_account(log.group)
    else:
        source = services.issuance_account()
    transfer = ledger.move(db.session, source.id, volunteer.id, minutes, reason=TransferReason.VOLUNTEERING,
                           reference=f"volunteer_log:{log.id}", memo=log.activity[:200], actor_id=actor.id)
    db.session.execute(update(VolunteerLog).where(VolunteerLog.id == log.id)
                       .values(transfer_id=transfer.id, credited_minutes=minutes)
                       .execution_options(synchronize_session=False))
    db.session.refresh(log)
    return transfer


def confirm(volunteer: User, log: VolunteerLog):
    """The volunteer agrees: the hours are credited from the pact's funding account."""
    if log.volunteer_id != volunteer.id:
        raise PermissionDenied(_("Only the volunteer can confirm these hours."))
    _move_status(log, {S.PENDING}, S.CONFIRMED)
    return _credit(log, log.minutes, volunteer)


def dispute(volunteer: User, log: VolunteerLog, reason: str) -> None:
    """The volunteer disagrees (with a reason): the moderators decide."""
    if log.volunteer_id != volunteer.id:
        raise PermissionDenied(_("Only the volunteer can dispute these hours."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Tell the moderators what is wrong."), fields={"reason": [_("Required.")]})
    _move_status(log, {S.PENDING}, S.DISPUTED, dispute_reason=reason[:2000])
    if log.logged_by is not None:
        tell([log.logged_by], lambda: (_("%(name)s disputed the hours you logged", name=volunteer.display_name),
                                       reason), link=url_for("timebank.group_wallet", slug=log.group.slug),
             email=False)


def decide(moderator: User, log: VolunteerLog, *, approve: bool, minutes: int | None, reason: str):
    """A moderator settles a dispute: approve (credit `minutes`, default as
    logged) or reject, always with a reason. Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the decision."), fields={"reason": [_("Required.")]})
    minutes = minutes or log.minutes
    if minutes > MAX_MINUTES_PER_DAY:
        raise ValidationFailed(_("At most 24 hours for one day."), fields={"hours": [_("Too large.")]})
    to = S.APPROVED if approve else S.REJECTED
    _move_status(log, {S.DISPUTED}, to, decision_reason=reason[:2000], decided_by_id=moderator.id,
                 decided_at=utcnow())
    transfer = _credit(log, minutes, moderator) if approve else None
    audit.record(moderator, f"timebank.volunteer_{to.value}", log, before={"status": S.DISPUTED.value},
                 after={"status": to.value, "minutes": minutes if approve else 0}, reason=reason)
    tell([log.volunteer], lambda: (_("A moderator decided on your disputed hours"),
                                   _("Decision: %(decision)s. %(reason)s",
                                     decision=_("approved") if approve else _("rejected"), reason=reason)),
         link=url_for("timebank.volunteering", log_id=log.id))
    return transfer


def pending_for(user: User) -> list[VolunteerLog]:
    return list(db.session.scalars(select(VolunteerLog).where(
        VolunteerLog.volunteer_id == user.id, VolunteerLog.status == S.PENDING.value).order_by(VolunteerLog.id)))


def disputed() -> list[VolunteerLog]:
    return list(db.session.scalars(select(VolunteerLog).where(VolunteerLog.status == S.DISPUTED.value)
                                   .order_by(VolunteerLog.id)))


def group_logs(group: Group, limit: int = 200) -> list[VolunteerLog]:
    return list(db.session.scalars(select(VolunteerLog).where(VolunteerLog.group_id == group.id)
                                   .order_by(VolunteerLog.id.desc()).limit(limit)))

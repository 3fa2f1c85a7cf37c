"""The pact registry: proposal by a group, review and decisions by the city.

Every change of status goes through `Pact.transition_to` (the state machine),
writes an AuditLog row in the same transaction and notifies the other side.
"""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, and_, or_, select

from models import Commons, Group, GroupRole, Membership, Pact, PactKind, PactStatus, SiteRole, User, UserRole
from models.errors import Conflict, ValidationFailed
from models.visibility import active_pact_clause

from .. import audit
from ..commons.services import propose_commons
from ..extensions import db
from ..notifications.services import tell

S = PactStatus
TEXT_FIELDS = ("title", "city_office", "aims", "activities", "group_commitments", "city_commitments")
MAX_YEARS = 10

# Moderator decisions: action -> (target status, reason required).
DECISIONS: dict[str, tuple[PactStatus, bool]] = {
    "start_review": (S.UNDER_REVIEW, False),
    "activate": (S.ACTIVE, False),
    "reject": (S.REJECTED, True),
    "return": (S.DRAFT, True),
    "terminate": (S.TERMINATED, True),
}


def link_to(endpoint: str, **values) -> str:
    """An absolute link when we can build one (request or SERVER_NAME), else a path."""
    try:
        return url_for(endpoint, _external=True, **values)
    except RuntimeError:
        if endpoint == "pacts.detail":
            return f"/pacts/{values['pact_id']}"
        return "/"


def _snapshot(pact: Pact) -> dict:
    return {"status": pact.status, "title": pact.title, "commons_id": pact.commons_id, "kind": pact.kind,
            "start_date": pact.start_date.isoformat() if pact.start_date else None,
            "end_date": pact.end_date.isoformat() if pact.end_date else None}


def check_pact_fields(data: dict) -> dict:
    """Validate the proposal fields; raise ValidationFailed naming each bad field."""
    errors: dict[str, list[str]] = {}
    out = {name: (data.get(name) or "").strip() for name in TEXT_FIELDS}
    if not out["title"]:
        errors["title"] = [_("Give the pact a title.")]
    elif len(out["title"]) > 200:
        errors["title"] = [_("Use at most %(n)d characters.", n=200)]
    if len(out["city_office"]) > 160:
        errors["city_office"] = [_("Use at most %(n)d characters.", n=160)]
    if not out["aims"]:
        errors["aims"] = [_("Say what the pact is for.")]
    kind = data.get("kind") or PactKind.ORDINARY.value
    if kind not in {k.value for k in PactKind}:
        errors["kind"] = [_("Choose ordinary or complex.")]
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, dt.date):
        errors["start_date"] = [_("Give the start date.")]
    if not isinstance(end, dt.date):
        errors["end_date"] = [_("Give the end date.")]
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if end <= start:
            errors["end_date"] = [_("The end date must be after the start date.")]
        elif (end - start).days > 366 * MAX_YEARS:
            errors["end_date"] = [_("A pact lasts at most %(n)d years.", n=MAX_YEARS)]
    if errors:
        raise ValidationFailed(_("Some details of the pact are missing or wrong."), fields=errors)
    out.update(kind=kind, start_date=start, end_date=end)
    return out


def _commons_for(data: dict) -> Commons:
    if data.get("commons_choice") == "new":
        return propose_commons(data.get("commons_name"), data.get("commons_kind"), data.get("commons_address"),
                               data.get("commons_district"), data.get("commons_latitude"),
                               data.get("commons_longitude"))
    commons = db.session.get(Commons, data.get("commons_id")) if data.get("commons_id") else None
    if commons is None:
        raise ValidationFailed(_("Choose the common good, or propose a new one."),
                               fields={"commons_id": [_("Choose a common good from the list.")]})
    return commons


def propose_pact(actor: User, group: Group, data: dict) -> Pact:
    """A coordinator drafts a pact for `group`. It stays a draft until submitted."""
    errors: dict = {}
    try:
        clean = check_pact_fields(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        commons = _commons_for(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some details of the pact are missing or wrong."), fields=errors)
    pact = Pact(commons=commons, status=S.DRAFT.value, **clean)
    pact.groups.append(group)
    db.session.add(pact)
    db.session.flush()
    audit.record(actor, "pact.propose", pact, after=_snapshot(pact))
    return pact


def update_pact(actor: User, pact: Pact, data: dict) -> Pact:
    """Edit a draft. Nothing past `draft` is editable by the group."""
    if pact.status != S.DRAFT.value:
        raise Conflict(_("Only a draft can be edited; this pact is %(status)s.", status=pact.status))
    errors: dict = {}
    try:
        clean = check_pact_fields(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        commons = _commons_for(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some details of the pact are missing or wrong."), fields=errors)
    before = _snapshot(pact)
    for name, value in clean.items():
        setattr(pact, name, value)
    pact.commons = commons
    db.session.flush()
    audit.record(actor, "pact.edit", pact, before=before, after=_snapshot(pact))
    return pact


def _transition(actor: User | None, pact: Pact, new: PactStatus, action: str, reason: str = "") -> str:
    old = pact.status
    pact.transition_to(new, reason)  # raises InvalidTransition and changes nothing
    db.session.flush()
    audit.record(actor, action, pact, before={"status": old}, after={"status": pact.status}, reason=reason)
    return old


def moderators() -> list[User]:
    """Who hears about new proposals: moderators, or admins when there are none."""
    def holders(role: SiteRole) -> list[User]:
        return list(db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == role.value, User.status == "active")
            .order_by(User.id)))

    return holders(SiteRole.MODERATOR) or holders(SiteRole.ADMIN)


def coordinators(pact: Pact) -> list[User]:
    ids = [g.id for g in pact.groups]
    return list(db.session.scalars(
        select(User).join(Membership).where(Membership.group_id.in_(ids),
                                            Membership.role == GroupRole.COORDINATOR.value)
        .distinct().order_by(User.id)))


def submit_pact(actor: User, pact: Pact) -> Pact:
    """The group sends its draft to the city; moderators are told."""
    missing = {name: [_("Needed before submitting.")] for name in ("activities", "group_commitments")
               if not (getattr(pact, name) or "").strip()}
    if missing:
        raise ValidationFailed(_("Describe the activities and the group's commitments before submitting."),
                               fields=missing)
    _transition(actor, pact, S.SUBMITTED, "pact.submit")
    link = link_to("pacts.detail", pact_id=pact.id)
    tell(moderators(), lambda: (_("New pact proposal: %(title)s", title=pact.title),
                                _("%(groups)s submitted a pact for %(commons)s. Please review it.",
                                  groups=", ".join(g.name for g in pact.groups), commons=pact.commons.name)), link)
    return pact


def decide_pact(actor: User, pact: Pact, action: str, reason: str = "") -> Pact:
    """A moderator moves a pact: start_review, activate, reject, return (to draft) or terminate."""
    if action not in DECISIONS:
        raise ValidationFailed(_("Choose a decision."), fields={"action": [_("Choose a decision.")]})
    target, needs_reason = DECISIONS[action]
    reason = (reason or "").strip()
    if needs_reason and not reason:
        raise ValidationFailed(_("Write the reasons for this decision; the group will read them."),
                               fields={"reason": [_("Required for this decision.")]})
    if action == "terminate" and pact.effective_status() is not S.ACTIVE:
        raise Conflict(_("Only an active pact can be terminated."))
    _transition(actor, pact, target, f"pact.{action}", reason)
    link = link_to("pacts.detail", pact_id=pact.id)
    status_text = {
        "start_review": lambda: _("The city started reviewing the pact."),
        "activate": lambda: _("The pact is active: you can now publish listings under it."),
        "reject": lambda: _("The city rejected the pact."),
        "return": lambda: _("The city sent the pact back to you for changes."),
        "terminate": lambda: _("The city terminated the pact. Its listings are no longer public."),
    }[action]
    tell(coordinators(pact), lambda: (
        _("Pact “%(title)s”: %(status)s", title=pact.title, status=status_text()),
        status_text() + ("\n\n" + _("Reasons: %(reason)s", reason=reason) if reason else "")), link)
    return pact


def expire_pacts(today: dt.date | None = None) -> list[tuple[Pact, str]]:
    """Write `expired` for active pacts past their end date (the pages already
    treat them as expired). Returns (pact, old status) for each one changed."""
    today = today or dt.date.today()
    pacts = db.session.scalars(
        select(Pact).where(Pact.status == S.ACTIVE.value, Pact.end_date.is_not(None), Pact.end_date < today)
        .order_by(Pact.id).with_for_update(of=Pact)).all()
    changed = []
    for pact in pacts:
        old = _transition(None, pact, S.EXPIRED, "pact.expire", _("End date %(date)s passed.",
                                                                   date=pact.end_date.isoformat()))
        tell(coordinators(pact), lambda p=pact: (_("Pact “%(title)s” has expired", title=p.title),
                                                 _("The end date has passed; its listings are no longer public.")),
             link_to("pacts.detail", pact_id=pact.id))
        changed.append((pact, old))
    return changed


# --- lists -------------------------------------------------------------------

PUBLIC_FILTER_STATUSES = ("active", "expired", "terminated")


def public_pacts(status: str = "", district: str = "", kind: str = "", commons_id: int | None = None,
                 today: dt.date | None = None) -> Select:
    """Public pacts (active, expired, terminated) with the list's filters.

    Status is the effective one: an active pact past its end date counts as expired.
    """
    today = today or dt.date.today()
    overdue = and_(Pact.status == S.ACTIVE.value, Pact.end_date.is_not(None), Pact.end_date < today)
    clauses = {
        "active": active_pact_clause(today),
        "expired": or_(Pact.status == S.EXPIRED.value, overdue),
        "terminated": Pact.status == S.TERMINATED.value,
    }
    query = select(Pact).join(Commons, Pact.commons_id == Commons.id)
    query = query.where(clauses[status] if status in clauses else or_(*clauses.values()))
    if district:
        query = query.where(Commons.district == district)
    if kind in {k.value for k in PactKind}:
        query = query.where(Pact.kind == kind)
    if commons_id:
        query = query.where(Pact.commons_id == commons_id)
    return query.order_by(Pact.start_date.desc().nullslast(), Pact.id.desc())


def review_queue() -> list[Pact]:
    return list(db.session.scalars(
        select(Pact).where(Pact.status.in_([S.SUBMITTED.value, S.UNDER_REVIEW.value]))
        .order_by(Pact.updated_at, Pact.id)))


def pacts_of_group(group: Group) -> list[Pact]:
    from models import pact_groups

    return list(db.session.scalars(
        select(Pact).join(pact_groups).where(pact_groups.c.group_id == group.id)
        .order_by(Pact.id.desc())))


def active_pacts_of_group(group: Group, today: dt.date | None = None) -> list[Pact]:
    return [p for p in pacts_of_group(group) if p.is_active(today)]

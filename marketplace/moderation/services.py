"""Decisions of the city on listings: approve, reject, hide, request changes,
restore. Each writes a ModerationAction (with a snapshot of what was
reviewed) and an AuditLog row in the caller's transaction, closes the
reports it answers and tells the group. Functions flush, never commit.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import (
    Appeal,
    AppealStatus,
    GroupRole,
    Listing,
    ListingStatus,
    Membership,
    ModerationAction,
    ModerationKind,
    ModerationReason,
    Report,
    ReportStatus,
    User,
    UserStatus,
    utcnow,
)
from models.errors import InvalidTransition, ValidationFailed
from models.moderation_action import snapshot_of

from .. import audit
from ..extensions import db
from ..notifications.services import tell
from .labels import decision_label, reason_label

STATEMENT_MAX = 2000
L = ListingStatus
K = ModerationKind

# What each decision does to a listing: the statuses it starts from and the
# one it leads to (Listing.transition_to has the last word).
DECISIONS: dict[ModerationKind, tuple[frozenset[ListingStatus], ListingStatus]] = {
    K.APPROVE: (frozenset({L.PENDING_REVIEW, L.HIDDEN, L.REJECTED}), L.PUBLISHED),
    K.REJECT: (frozenset({L.PENDING_REVIEW, L.HIDDEN}), L.REJECTED),
    K.HIDE: (frozenset({L.PUBLISHED}), L.HIDDEN),
    K.REQUEST_CHANGES: (frozenset({L.PENDING_REVIEW, L.PUBLISHED, L.REJECTED}), L.DRAFT),
    K.RESTORE: (frozenset({L.HIDDEN}), L.PUBLISHED),
}
# Decisions that need a reason code and a written statement of reasons.
NEEDS_REASON = frozenset({K.REJECT, K.HIDE})


def available_decisions(listing: Listing) -> list[ModerationKind]:
    """The decisions that make sense for the listing's current status."""
    status = ListingStatus(listing.status)
    return [kind for kind, (sources, _target) in DECISIONS.items() if status in sources]


def report_threshold() -> int:
    return int(current_app.config.get("MODERATION_REPORT_THRESHOLD", 3))


# -- telling people -----------------------------------------------------------

def listing_link(listing: Listing) -> str:
    return url_for("listings.detail", listing_id=listing.id, _external=True)


def group_recipients(listing: Listing) -> list[User]:
    """The group's coordinators and the listing's author, active accounts only."""
    users = list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.group_id == listing.group_id,
            Membership.role == GroupRole.COORDINATOR.value,
        ).order_by(User.id)
    ))
    if listing.created_by_id is not None and all(u.id != listing.created_by_id for u in users):
        author = db.session.get(User, listing.created_by_id)
        if author is not None:
            users.append(author)
    return [u for u in users if u.status == UserStatus.ACTIVE.value]


def _statement_text(kind: ModerationKind, reason_code: str, statement: str) -> str:
    parts = []
    if reason_code:
        parts.append(_("Reason: %(reason)s.", reason=reason_label(reason_code)))
    if statement:
        parts.append(statement)
    if kind in (K.REJECT, K.HIDE, K.AUTO_HIDE):
        parts.append(_("Your group can appeal this decision once, from the listing's page."))
    return "\n\n".join(parts)


DECISION_SUBJECTS = {
    K.APPROVE: lambda t: _("Your listing “%(title)s” is published", title=t),
    K.REJECT: lambda t: _("Your listing “%(title)s” was rejected", title=t),
    K.HIDE: lambda t: _("Your listing “%(title)s” was hidden by the city's moderators", title=t),
    K.REQUEST_CHANGES: lambda t: _("Changes requested on your listing “%(title)s”", title=t),
    K.RESTORE: lambda t: _("Your listing “%(title)s” is public again", title=t),
    K.AUTO_HIDE: lambda t: _("Your listing “%(title)s” was hidden after several reports", title=t),
    K.APPEAL_UPHELD: lambda t: _("Your appeal on “%(title)s” was not accepted", title=t),
    K.APPEAL_RESTORED: lambda t: _("Your appeal on “%(title)s” was accepted: it is public again", title=t),
}


def tell_group(listing: Listing, kind: ModerationKind, reason_code: str = "", statement: str = "") -> None:
    tell(group_recipients(listing),
         lambda: (DECISION_SUBJECTS[kind](listing.title), _statement_text(kind, reason_code, statement)),
         listing_link(listing))


# -- shared pieces --------------------------------------------------------------

def lock_listing(listing: Listing) -> None:
    """Serialise decisions and reports on one listing: lock its row
    (PostgreSQL; SQLite serialises writers anyway) and re-read its status,
    so two requests cannot both act on the same old state."""
    db.session.execute(select(Listing.id).where(Listing.id == listing.id).with_for_update())
    db.session.refresh(listing, attribute_names=["status", "status_reason"])


def clean_statement(text: str | None, field: str, *, required: bool, max_len: int = STATEMENT_MAX) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed(_("Please write the reasons."), fields={field: [_("This field is required.")]})
    if len(text) > max_len:
        raise ValidationFailed(_("The text is too long."),
                               fields={field: [_("Use at most %(n)d characters.", n=max_len)]})
    return text


def record_listing_action(actor: User | None, listing: Listing, kind: ModerationKind, *,
                          from_status: str, reason_code: str = "", statement: str = "",
                          audit_action: str | None = None, extra: dict | None = None) -> ModerationAction:
    """Write the ModerationAction (with a snapshot) and the AuditLog row."""
    action = ModerationAction(
        actor_id=getattr(actor, "id", None), listing_id=listing.id, kind=kind.value,
        from_status=from_status, to_status=listing.status, reason_code=reason_code,
        statement=statement, snapshot=snapshot_of(listing),
    )
    db.session.add(action)
    db.session.flush()
    after = {"status": listing.status, "moderation_action_id": action.id}
    if reason_code:
        after["reason_code"] = reason_code
    after.update(extra or {})
    audit.record(actor, audit_action or f"listing.{kind.value}", listing,
                 before={"status": from_status}, after=after, reason=statement)
    return action


def close_open_reports(listing: Listing, actor: User | None, outcome: ReportStatus, note: str = "") -> int:
    """Close the listing's open reports as answered by a decision."""
    reports = db.session.scalars(select(Report).where(
        Report.listing_id == listing.id, Report.status == ReportStatus.OPEN.value)).all()
    for report in reports:
        report.status = outcome.value
        report.closed_at = utcnow()
        report.closed_by_id = getattr(actor, "id", None)
        report.resolution_note = note
        tell_reporter(report)
    return len(reports)


def tell_reporter(report: Report) -> None:
    """The resident who reported learns the outcome (not the moderator's note)."""
    reporter = db.session.get(User, report.reporter_id)
    if reporter is None or reporter.status != UserStatus.ACTIVE.value:
        return
    title = db.session.get(Listing, report.listing_id).title
    resolved = report.status == ReportStatus.RESOLVED.value
    tell([reporter], lambda: (_("Your report on “%(title)s” was reviewed", title=title),
                              _("Thank you. The moderators acted on your report.") if resolved
                              else _("Thank you. The moderators found no reason to act on it.")))


def close_open_appeals(listing: Listing, actor: User, reason: str, outcome: AppealStatus) -> None:
    """A direct decision on the listing answers its open appeals: restored
    when it publishes the listing, upheld otherwise (the new decision can be
    appealed in turn)."""
    for appeal in db.session.scalars(select(Appeal).where(
            Appeal.listing_id == listing.id, Appeal.status == AppealStatus.OPEN.value)):
        appeal.status = outcome.value
        appeal.decided_at = utcnow()
        appeal.decided_by_id = actor.id
        appeal.decision_reason = reason


# -- decisions ------------------------------------------------------------------

def decide_listing(moderator: User, listing: Listing, decision: str, *,
                   reason_code: str = "", statement: str = "") -> ModerationAction:
    """Apply one moderator decision to a listing.

    Reject and hide need a reason code and a written statement of reasons;
    request changes needs a message; approve and restore take an optional note.
    """
    try:
        kind = ModerationKind(decision)
    except ValueError:
        kind = None
    if kind not in DECISIONS:
        raise ValidationFailed(_("Choose a decision."), fields={"decision": [_("Choose a decision.")]})
    sources, target = DECISIONS[kind]
    if kind in NEEDS_REASON:
        if reason_code not in {r.value for r in ModerationReason}:
            raise ValidationFailed(_("Choose a reason."), fields={"reason_code": [_("Choose a reason.")]})
    else:
        reason_code = ""
    statement = clean_statement(statement, "statement", required=kind in NEEDS_REASON or kind is K.REQUEST_CHANGES)
    lock_listing(listing)
    current = ListingStatus(listing.status)
    if current not in sources:
        raise InvalidTransition(_("A listing with status %(status)s cannot get the decision “%(decision)s”.",
                                  status=current.value, decision=decision_label(kind)))
    listing.transition_to(target, reason=statement)
    if target is L.PUBLISHED and listing.published_at is None:
        listing.published_at = utcnow()
    action = record_listing_action(moderator, listing, kind, from_status=current.value,
                                   reason_code=reason_code, statement=statement)
    if target is L.PUBLISHED:
        close_open_reports(listing, moderator, ReportStatus.DISMISSED, statement)
        close_open_appeals(listing, moderator, statement, AppealStatus.RESTORED)
    else:
        close_open_reports(listing, moderator, ReportStatus.RESOLVED, statement)
        close_open_appeals(listing, moderator, statement, AppealStatus.UPHELD)
    tell_group(listing, kind, reason_code, statement)
    db.session.flush()
    return action

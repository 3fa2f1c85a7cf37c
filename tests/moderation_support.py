"""Test helpers for the moderation tests (reports, hidden listings, appeals)."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.extensions import db
from models import (
    Appeal,
    AuditLog,
    Listing,
    ListingStatus,
    ModerationAction,
    ModerationKind,
    Notification,
    Report,
)
from models.moderation_action import snapshot_of
from tests.factories import make_listing, make_user


def make_report(listing: Listing, reporter=None, reason: str = "spam", details: str = "") -> Report:
    report = Report(listing_id=listing.id, reporter_id=(reporter or make_user()).id, reason_code=reason,
                    details=details)
    db.session.add(report)
    db.session.flush()
    return report


def make_hidden_listing(pact, *, actor=None, kind: ModerationKind = ModerationKind.HIDE, **fields) -> Listing:
    """A listing hidden (or rejected) by a decision the group may appeal."""
    status = ListingStatus.REJECTED if kind is ModerationKind.REJECT else ListingStatus.HIDDEN
    listing = make_listing(pact, status=status, **fields)
    db.session.add(ModerationAction(actor_id=getattr(actor, "id", None), listing_id=listing.id, kind=kind.value,
                                    from_status="published", to_status=status.value, reason_code="spam",
                                    statement="Looks like spam.", snapshot=snapshot_of(listing)))
    db.session.flush()
    return listing


def make_appeal(listing: Listing, appellant, assigned_to=None) -> Appeal:
    action = db.session.scalar(select(ModerationAction).where(ModerationAction.listing_id == listing.id)
                               .order_by(ModerationAction.id.desc()))
    appeal = Appeal(action_id=action.id, listing_id=listing.id, appellant_id=appellant.id,
                    message="Please look again.", assigned_to_id=getattr(assigned_to, "id", None))
    db.session.add(appeal)
    db.session.flush()
    return appeal


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def audit_actions(object_type: str | None = None, object_id: int | None = None) -> list[str]:
    stmt = select(AuditLog.action).order_by(AuditLog.id)
    if object_type:
        stmt = stmt.where(AuditLog.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditLog.object_id == object_id)
    return list(db.session.scalars(stmt))


def notifications_of(user_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                   .order_by(Notification.id)))

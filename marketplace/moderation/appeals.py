"""Appeals: the group asks once per decision to reconsider a rejection or a
hiding; a moderator other than the one who decided answers it."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import (
    APPEAL_MESSAGE_MAX,
    APPEALABLE,
    Appeal,
    AppealStatus,
    Listing,
    ListingStatus,
    ModerationAction,
    ModerationKind,
    ReportStatus,
    SiteRole,
    User,
    UserRole,
    UserStatus,
    utcnow,
)
from models.errors import Conflict, ValidationFailed

from .. import audit
from ..extensions import db
from .services import clean_statement, close_open_reports, lock_listing, record_listing_action, tell, tell_group


def last_action(listing: Listing) -> ModerationAction | None:
    return db.session.scalar(select(ModerationAction).where(ModerationAction.listing_id == listing.id)
                             .order_by(ModerationAction.id.desc()).limit(1))


def appealable_action(listing: Listing) -> ModerationAction | None:
    """The decision the group may appeal now: the latest one, if it rejected
    or hid the listing and the listing is still in that state."""
    action = last_action(listing)
    if action is None or action.kind not in APPEALABLE or listing.status != action.to_status:
        return None
    return action


def appeal_for(action: ModerationAction | None) -> Appeal | None:
    if action is None:
        return None
    return db.session.scalar(select(Appeal).where(Appeal.action_id == action.id))


def _moderators_with_role(role: SiteRole, exclude_id: int | None) -> list[tuple[User, int]]:
    open_count = (select(func.count(Appeal.id)).where(Appeal.assigned_to_id == User.id,
                                                      Appeal.status == AppealStatus.OPEN.value)
                  .correlate(User).scalar_subquery())
    query = (select(User, open_count).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == role.value, User.status == UserStatus.ACTIVE.value)
             .order_by(open_count, User.id))
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return [(user, count) for user, count in db.session.execute(query).all()]


def pick_appeal_moderator(decided_by_id: int | None, group_id: int) -> User | None:
    """The least busy moderator who did not take the decision and is not in
    the group; admins when no moderator is free; the decider when nobody else."""
    for role in (SiteRole.MODERATOR, SiteRole.ADMIN):
        for user, _count in _moderators_with_role(role, decided_by_id):
            if all(m.group_id != group_id for m in user.memberships):
                return user
    return db.session.get(User, decided_by_id) if decided_by_id is not None else None


def file_appeal(user: User, listing: Listing, message: str) -> Appeal:
    """The group appeals the current rejection or hiding, once per decision."""
    message = clean_statement(message, "message", required=True, max_len=APPEAL_MESSAGE_MAX)
    action = appealable_action(listing)
    if action is None:
        raise Conflict(_("There is no rejection or hiding of this listing to appeal."))
    if appeal_for(action) is not None:
        raise Conflict(_("This decision was already appealed. A decision can be appealed only once."))
    assignee = pick_appeal_moderator(action.actor_id, listing.group_id)
    appeal = Appeal(action_id=action.id, listing_id=listing.id, appellant_id=user.id, message=message,
                    assigned_to_id=assignee.id if assignee else None)
    try:
        with db.session.begin_nested():
            db.session.add(appeal)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("This decision was already appealed. A decision can be appealed only once.")) from exc
    audit.record(user, "listing.appealed", listing,
                 after={"appeal_id": appeal.id, "moderation_action_id": action.id,
                        "assigned_to_id": appeal.assigned_to_id}, reason=message)
    if assignee is not None:
        tell([assignee], lambda: (_("New appeal on “%(title)s”", title=listing.title),
                                  _("The group asks you to reconsider the decision.")),
             url_for("moderation.listing", listing_id=listing.id, _external=True))
    db.session.flush()
    return appeal


def decide_appeal(moderator: User, appeal: Appeal, outcome: str, reason: str) -> Appeal:
    """Uphold the decision or restore the listing, with a reason either way."""
    if outcome not in ("uphold", "restore"):
        raise ValidationFailed(_("Choose uphold or restore."), fields={"outcome": [_("Choose uphold or restore.")]})
    reason = clean_statement(reason, "reason", required=True)
    listing = appeal.listing
    lock_listing(listing)
    db.session.refresh(appeal)
    if not appeal.is_open:
        raise Conflict(_("This appeal was already decided."))
    before = listing.status
    if outcome == "restore":
        if listing.status != appeal.action.to_status:
            raise Conflict(_("The listing changed since the appeal; decide on it directly."))
        listing.transition_to(ListingStatus.PUBLISHED, reason=reason)
        if listing.published_at is None:
            listing.published_at = utcnow()
        close_open_reports(listing, moderator, ReportStatus.DISMISSED, reason)
        kind, status = ModerationKind.APPEAL_RESTORED, AppealStatus.RESTORED
    else:
        kind, status = ModerationKind.APPEAL_UPHELD, AppealStatus.UPHELD
    appeal.status = status.value
    appeal.decided_at = utcnow()
    appeal.decided_by_id = moderator.id
    appeal.decision_reason = reason
    record_listing_action(moderator, listing, kind, from_status=before, statement=reason,
                          audit_action=f"listing.{kind.value}", extra={"appeal_id": appeal.id})
    tell_group(listing, kind, "", reason)
    db.session.flush()
    return appeal

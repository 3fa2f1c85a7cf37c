"""Suspending and unsuspending accounts.

A suspended account cannot log in (accounts.authenticate refuses it), is
logged out at its next request (the user loader returns nobody), and the
listings it created leave public view (models.visibility); its data stays.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from models import ModerationAction, ModerationKind, ModerationReason, User, UserStatus
from models.errors import Conflict, ValidationFailed

from .. import audit
from ..extensions import db
from .labels import reason_label
from .services import clean_statement, tell

PER_PAGE = 50


def find_users(query: str = "", limit: int = PER_PAGE) -> list[User]:
    stmt = select(User).order_by(User.id).limit(limit)
    query = (query or "").strip().lower()
    if query:
        stmt = stmt.where(or_(func.lower(User.email).contains(query, autoescape=True),
                              func.lower(User.display_name).contains(query, autoescape=True)))
    return list(db.session.scalars(stmt))


def user_actions(user: User) -> list[ModerationAction]:
    return list(db.session.scalars(select(ModerationAction).where(ModerationAction.target_user_id == user.id)
                                   .order_by(ModerationAction.id.desc())))


def _change_status(actor: User, target: User, new: UserStatus, kind: ModerationKind,
                   reason_code: str, reason: str) -> ModerationAction:
    before = target.status
    target.status = new.value
    action = ModerationAction(actor_id=actor.id, target_user_id=target.id, kind=kind.value,
                              from_status=before, to_status=new.value, reason_code=reason_code, statement=reason)
    db.session.add(action)
    db.session.flush()
    audit.record(actor, f"user.{'suspended' if new is UserStatus.SUSPENDED else 'unsuspended'}", target,
                 before={"status": before},
                 after={"status": new.value, "moderation_action_id": action.id,
                        **({"reason_code": reason_code} if reason_code else {})},
                 reason=reason)
    return action


def suspend_user(actor: User, target: User, reason_code: str, reason: str) -> ModerationAction:
    """Suspend an active account, with a reason the person is told."""
    if reason_code not in {r.value for r in ModerationReason}:
        raise ValidationFailed(_("Choose a reason."), fields={"reason_code": [_("Choose a reason.")]})
    reason = clean_statement(reason, "reason", required=True)
    if target.status != UserStatus.ACTIVE.value:
        raise Conflict(_("This account is not active, so it cannot be suspended."))
    action = _change_status(actor, target, UserStatus.SUSPENDED, ModerationKind.SUSPEND_USER, reason_code, reason)
    # The email reaches them now; the in-app copy waits for an unsuspension.
    tell([target], lambda: (_("Your account was suspended"),
                            _("Reason: %(reason)s.", reason=reason_label(reason_code)) + "\n\n" + reason))
    db.session.flush()
    return action


def unsuspend_user(actor: User, target: User, reason: str) -> ModerationAction:
    reason = clean_statement(reason, "reason", required=True)
    if target.status != UserStatus.SUSPENDED.value:
        raise Conflict(_("This account is not suspended."))
    action = _change_status(actor, target, UserStatus.ACTIVE, ModerationKind.UNSUSPEND_USER, "", reason)
    tell([target], lambda: (_("Your account is active again"), reason))
    db.session.flush()
    return action

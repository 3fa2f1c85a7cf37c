"""Groups and their members: creation, invitations, roles.

A group always keeps at least one coordinator. Role changes and removals
lock the group row first (on PostgreSQL) so two coordinators demoting each
other at the same moment cannot leave the group without one.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, select

from models import AuditLog, Group, GroupRole, Membership, User, normalise_email
from models.errors import Conflict, PermissionDenied, ValidationFailed

from .. import audit
from ..extensions import db
from ..mail import queue_email
from ..pacts.services import link_to
from .tokens import InvitationInvalid, make_invitation_token, read_invitation_token

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLES = {r.value for r in GroupRole}


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:120]
    return slug or "group"


def _unique_slug(name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while db.session.scalar(select(Group.id).where(Group.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean(name: str, description: str, contact_email: str | None) -> dict:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    contact = normalise_email(contact_email or "") or None
    if not name:
        errors["name"] = [_("Give the group a name.")]
    elif len(name) > 120:
        errors["name"] = [_("Use at most %(n)d characters.", n=120)]
    if contact and not EMAIL_RE.match(contact):
        errors["contact_email"] = [_("Enter an email address like name@example.org.")]
    if errors:
        raise ValidationFailed(_("Some details of the group are missing or wrong."), fields=errors)
    return {"name": name, "description": (description or "").strip(), "contact_email": contact}


def _snapshot(group: Group) -> dict:
    return {"name": group.name, "description": group.description, "contact_email": group.contact_email,
            "listings_need_review": group.listings_need_review}


def create_group(actor: User, name: str, description: str = "", contact_email: str | None = None) -> Group:
    """A new group; its creator is its first coordinator. New groups' listings need review."""
    clean = _clean(name, description, contact_email)
    group = Group(slug=_unique_slug(clean["name"]), listings_need_review=True, **clean)
    db.session.add(group)
    db.session.flush()
    db.session.add(Membership(user_id=actor.id, group_id=group.id, role=GroupRole.COORDINATOR.value))
    db.session.flush()
    audit.record(actor, "group.create", group, after=_snapshot(group))
    return group


def update_group(actor: User, group: Group, name: str, description: str, contact_email: str | None) -> Group:
    before = _snapshot(group)
    for key, value in _clean(name, description, contact_email).items():
        setattr(group, key, value)
    db.session.flush()
    audit.record(actor, "group.edit", group, before=before, after=_snapshot(group))
    return group


def set_listings_need_review(actor: User, group: Group, value: bool) -> Group:
    """The city decides whether a group's listings are reviewed before publishing."""
    before = _snapshot(group)
    group.listings_need_review = bool(value)
    db.session.flush()
    audit.record(actor, "group.settings", group, before=before, after=_snapshot(group))
    return group


def invite_member(actor: User, group: Group, email: str, role: str = GroupRole.MEMBER.value) -> str:
    """Email a signed invitation link; returns the token."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationFailed(_("Enter an email address like name@example.org."),
                               fields={"email": [_("Enter an email address like name@example.org.")]})
    if role not in ROLES:
        raise ValidationFailed(_("Choose a role."), fields={"role": [_("Choose a role.")]})
    existing = db.session.scalar(select(Membership).join(User).where(
        Membership.group_id == group.id, User.email == email))
    if existing is not None:
        raise ValidationFailed(_("This person is already in the group."),
                               fields={"email": [_("Already a member.")]})
    token = make_invitation_token(group.id, email, role, actor.id)
    link = link_to("groups.accept_invitation", token=token)
    queue_email(email, _("Invitation to join %(group)s on Commons Market", group=group.name),
                _("%(name)s invites you to join the group %(group)s as %(role)s.\n\n"
                  "Log in (or register) with this email address, then open this link within 14 days:\n%(link)s",
                  name=actor.display_name, group=group.name, role=role_label(role), link=link))
    audit.record(actor, "group.invite", group, after={"email": email, "role": role})
    return token


def role_label(role: str) -> str:
    return _("coordinator") if role == GroupRole.COORDINATOR.value else _("member")


def read_invitation(token: str) -> tuple[Group, dict]:
    """The group and payload of a valid invitation, or ValidationFailed with why not."""
    try:
        payload, issued = read_invitation_token(token)
    except InvitationInvalid as exc:
        if exc.reason == "expired":
            raise ValidationFailed(_("This invitation has expired. Ask the group for a new one.")) from exc
        raise ValidationFailed(_("This invitation link is not valid. Check that you copied all of it.")) from exc
    group = db.session.get(Group, payload["g"])
    if group is None:
        raise ValidationFailed(_("This group no longer exists."))
    payload["issued"] = issued
    return group, payload


def accept_invitation(user: User, token: str) -> Membership:
    """Join the group named in the invitation, if it was sent to `user`'s email."""
    group, payload = read_invitation(token)
    if normalise_email(user.email) != payload["e"]:
        raise PermissionDenied(_("This invitation was sent to another email address. "
                                 "Log in with the address it was sent to."))
    existing = db.session.scalar(select(Membership).where(
        Membership.group_id == group.id, Membership.user_id == user.id))
    if existing is not None:
        return existing
    # A removal after the invitation was sent cancels it.
    removals = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "group.remove_member", AuditLog.object_type == "group",
        AuditLog.object_id == group.id, AuditLog.created_at >= payload["issued"])).all()
    if any((r.before or {}).get("user_id") == user.id for r in removals):
        raise ValidationFailed(_("This invitation was cancelled. Ask the group for a new one."))
    membership = Membership(user_id=user.id, group_id=group.id, role=payload["r"])
    db.session.add(membership)
    db.session.flush()
    audit.record(user, "group.join", group, after={"user_id": user.id, "role": payload["r"]})
    return membership


def _lock(group: Group) -> None:
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())


def _coordinator_count(group: Group) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(
        Membership.group_id == group.id, Membership.role == GroupRole.COORDINATOR.value)) or 0


def change_role(actor: User, membership: Membership, role: str) -> Membership:
    if role not in ROLES:
        raise ValidationFailed(_("Choose a role."), fields={"role": [_("Choose a role.")]})
    group = membership.group
    _lock(group)
    db.session.refresh(membership)
    if membership.role == role:
        return membership
    if membership.is_coordinator and _coordinator_count(group) <= 1:
        raise Conflict(_("A group needs at least one coordinator. Make someone else coordinator first."))
    before = {"user_id": membership.user_id, "role": membership.role}
    membership.role = role
    db.session.flush()
    audit.record(actor, "group.change_role", group, before=before,
                 after={"user_id": membership.user_id, "role": role})
    return membership


def remove_member(actor: User, membership: Membership) -> None:
    group = membership.group
    _lock(group)
    db.session.refresh(membership)
    if membership.is_coordinator and _coordinator_count(group) <= 1:
        raise Conflict(_("A group needs at least one coordinator. Make someone else coordinator first."))
    before = {"user_id": membership.user_id, "role": membership.role}
    db.session.delete(membership)
    db.session.flush()
    audit.record(actor, "group.remove_member", group, before=before)


def members_of(group: Group) -> list[Membership]:
    return list(db.session.scalars(select(Membership).join(User).where(Membership.group_id == group.id)
                                   .order_by(Membership.role, User.display_name)))


def groups_of(user: User) -> list[Group]:
    return list(db.session.scalars(select(Group).join(Membership).where(Membership.user_id == user.id)
                                   .order_by(Group.name)))

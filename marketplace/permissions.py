"""Every permission rule of the site, in one place.

Views call these helpers (or the decorators) and nothing else decides who
may do what. Admins may do everything a moderator or researcher may.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from models import GroupRole, Membership, SiteRole, UserStatus


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.status == UserStatus.ACTIVE.value


def has_site_role(user, *roles: SiteRole) -> bool:
    if not is_signed_in(user):
        return False
    held = user.site_roles
    return SiteRole.ADMIN.value in held or any(r.value in held for r in roles)


def is_admin(user) -> bool:
    return has_site_role(user)  # only admin satisfies an empty role list


def can_moderate(user) -> bool:
    return has_site_role(user, SiteRole.MODERATOR)


def can_read_research(user) -> bool:
    return has_site_role(user, SiteRole.RESEARCHER, SiteRole.MODERATOR)


def membership_of(user, group) -> Membership | None:
    if not is_signed_in(user) or group is None:
        return None
    for m in user.memberships:
        if m.group_id == group.id:
            return m
    return None


def is_group_member(user, group) -> bool:
    """Coordinators are members too."""
    return membership_of(user, group) is not None


def is_group_coordinator(user, group) -> bool:
    m = membership_of(user, group)
    return m is not None and m.role == GroupRole.COORDINATOR.value


def can_manage_group(user, group) -> bool:
    return is_group_coordinator(user, group) or is_admin(user)


def can_edit_listing(user, listing) -> bool:
    return is_group_member(user, listing.group) or is_admin(user)


# --- pacts, groups and listings (issue 3) -----------------------------------

def is_pact_party(user, pact) -> bool:
    """A member of one of the pact's signatory groups."""
    return any(is_group_member(user, g) for g in pact.groups)


def can_propose_pact(user, group) -> bool:
    return is_group_coordinator(user, group) or is_admin(user)


def can_edit_pact(user, pact) -> bool:
    """Only drafts, only by a coordinator of a signatory group."""
    return pact.status == "draft" and any(is_group_coordinator(user, g) for g in pact.groups)


def can_review_pacts(user) -> bool:
    return can_moderate(user)


def can_see_pact(user, pact) -> bool:
    """Active, expired and terminated pacts are public; the rest belong to the parties and the city."""
    if pact.effective_status().value in {"active", "expired", "terminated"}:
        return True
    return can_moderate(user) or is_pact_party(user, pact)


def can_view_group_dashboard(user, group) -> bool:
    return is_group_member(user, group) or can_moderate(user)


def can_set_group_review(user) -> bool:
    """Whether a group's listings need review is the city's call."""
    return can_moderate(user)


def can_create_listing(user, group) -> bool:
    return is_group_member(user, group) or is_admin(user)


def can_see_listing(user, listing) -> bool:
    from models.visibility import is_public

    return is_public(listing) or can_edit_listing(user, listing) or can_moderate(user)


def can_moderate_listing(user, listing) -> bool:
    """City moderators decide on listings, except those of a group they belong to."""
    return can_moderate(user) and not is_group_member(user, listing.group)


def can_report_listing(user, listing) -> bool:
    """Any signed-in person may report a listing, except its own group."""
    return is_signed_in(user) and not is_group_member(user, listing.group)


def can_appeal_listing(user, listing) -> bool:
    """Coordinators and members of the listing's group appeal its moderation."""
    return is_group_member(user, listing.group)


def can_decide_appeal(user, appeal) -> bool:
    """A moderator other than the one who decided; the decider only when the
    appeal was assigned back to them because no other moderator exists."""
    if not can_moderate_listing(user, appeal.listing):
        return False
    return user.id != appeal.action.actor_id or appeal.assigned_to_id == user.id


def can_suspend_user(actor, target) -> bool:
    """Moderators suspend residents; only admins suspend moderators and admins; nobody themselves."""
    if not can_moderate(actor) or target is None or actor.id == target.id:
        return False
    if target.site_roles & {SiteRole.ADMIN.value, SiteRole.MODERATOR.value}:
        return is_admin(actor)
    return True


def can_read_audit(user) -> bool:
    return can_moderate(user)


# --- bookings and payments (issue 4) -----------------------------------------

def can_book(user) -> bool:
    """Any signed-in, active account may book (the listing's own rules apply in the service)."""
    return is_signed_in(user)


def can_see_booking_listing(user, listing) -> bool:
    from models.visibility import is_public

    return is_public(listing) or can_edit_listing(user, listing) or can_moderate(user)


def owns_booking(user, booking_or_entry) -> bool:
    """The resident who made the booking (or holds the waiting-list place)."""
    return is_signed_in(user) and booking_or_entry.user_id == user.id


def can_manage_bookings(user, group) -> bool:
    """Members and coordinators of the group (and admins): lists, export, approval, check-in."""
    return is_group_member(user, group) or is_admin(user)


def can_view_booking(user, booking) -> bool:
    return owns_booking(user, booking) or can_manage_bookings(user, booking.listing.group)


def can_cancel_occurrence(user, group) -> bool:
    """Cancelling a whole date refunds everyone: coordinators (and admins) only."""
    return is_group_coordinator(user, group) or is_admin(user)


def can_edit_booking_policy(user, listing) -> bool:
    return is_group_coordinator(user, listing.group) or is_admin(user)


def require(allowed: bool) -> None:
    """Stop the request with 403 unless `allowed` (401-style redirect is the
    login decorator's job, not this one's)."""
    if not allowed:
        abort(403)


def site_role_required(*roles: SiteRole):
    """Decorator: signed in and holding one of `roles` (or admin)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not getattr(current_user, "is_authenticated", False):
                from .extensions import login_manager

                return login_manager.unauthorized()
            require(has_site_role(current_user, *roles))
            return view(*args, **kwargs)

        return wrapper

    return decorator


# --- time bank (issue 5) ------------------------------------------------------

def can_use_wallet(user) -> bool:
    return is_signed_in(user)


def can_gift_hours(user, gifts_enabled: bool) -> bool:
    """Only where the city allows gifts (TIMEBANK_GIFTS_ENABLED)."""
    return gifts_enabled and is_signed_in(user)


def can_view_group_wallet(user, group) -> bool:
    return is_group_coordinator(user, group) or is_admin(user)


def can_log_volunteer_hours(user, group) -> bool:
    return is_group_coordinator(user, group) or is_admin(user)


def can_view_volunteer_log(user, log) -> bool:
    return (is_signed_in(user) and log.volunteer_id == user.id) or is_group_coordinator(user, log.group) \
        or can_moderate(user)


def can_answer_volunteer_log(user, log) -> bool:
    """Only the volunteer confirms or disputes their own hours."""
    return is_signed_in(user) and log.volunteer_id == user.id


def can_decide_volunteer_disputes(user) -> bool:
    return can_moderate(user)


def can_set_pact_funding(user) -> bool:
    """Whether the city pays for volunteer hours under a pact is the city's call."""
    return can_moderate(user)


def can_manage_ledger(user) -> bool:
    """See every account and make adjustments."""
    return is_admin(user)

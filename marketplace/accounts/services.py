"""Account rules: registration, authentication, passwords."""
from __future__ import annotations

from flask import current_app, has_app_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models import SiteRole, User, UserRole, UserStatus, normalise_email, utcnow
from models.errors import DomainError, ValidationFailed

from .. import audit
from ..extensions import db
from ..mail import queue_email
from . import throttle
from .tokens import TokenInvalid, fingerprint, make_reset_token, read_reset_token

MIN_PASSWORD_LENGTH = 10

# Hashing an unknown email's password anyway keeps response times alike.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0")


class LoginRefused(DomainError):
    """Wrong email or password."""

    status_code = 401
    code = "login_refused"


class LoginLocked(DomainError):
    """Too many failed attempts."""

    status_code = 429
    code = "login_locked"


def hash_password(password: str) -> str:
    # Tests lower the cost through config; production keeps werkzeug's scrypt default.
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("Use at least %(n)d characters for the password.", n=MIN_PASSWORD_LENGTH),
            fields={field: [_("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]},
        )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(email: str, display_name: str, password: str, locale: str | None = None) -> User:
    """Create a resident account. Raises ValidationFailed on a taken email or weak password."""
    email = normalise_email(email)
    display_name = (display_name or "").strip()
    if not display_name:
        raise ValidationFailed(_("Tell us the name to show."), fields={"display_name": [_("Required.")]})
    check_password_rules(password)
    if find_user_by_email(email) is not None:
        raise ValidationFailed(
            _("An account with this email already exists. Log in or reset your password."),
            fields={"email": [_("Already registered.")]},
        )
    user = User(email=email, display_name=display_name, password_hash=hash_password(password),
                locale=locale or None)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str, remote_addr: str | None) -> User:
    """Return the user for a correct email and password.

    Every refusal says the same thing whether or not the email exists.
    """
    keys = [f"email:{normalise_email(email)}", f"ip:{remote_addr or 'unknown'}"]
    wait = throttle.locked_for(keys)
    if wait is not None:
        minutes = max(1, int(wait.total_seconds() // 60) + 1)
        raise LoginLocked(_("Too many failed attempts. Try again in %(m)d minutes, "
                            "or reset your password.", m=minutes))
    user = find_user_by_email(email)
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if not ok or user is None:
        throttle.record_failure(keys)
        raise LoginRefused(_("The email or password is not right."))
    if user.status != UserStatus.ACTIVE.value:
        raise LoginRefused(_("This account is suspended. Contact the city's moderators."))
    throttle.clear(keys[0])
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationFailed(_("Your current password is not right."),
                               fields={"current_password": [_("Not right.")]})
    check_password_rules(new, "new_password")
    user.password_hash = hash_password(new)
    db.session.flush()


def update_profile(user: User, display_name: str, locale: str | None) -> None:
    display_name = (display_name or "").strip()
    if not display_name:
        raise ValidationFailed(_("Tell us the name to show."), fields={"display_name": [_("Required.")]})
    user.display_name = display_name
    user.locale = locale or None
    db.session.flush()


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or user.status != UserStatus.ACTIVE.value:
        return
    link = url_for("accounts.reset_password", token=make_reset_token(user), _external=True)
    body = _("Someone asked to reset the password of your Commons Market account.\n\n"
             "To choose a new password, open this link within an hour:\n%(link)s\n\n"
             "If it was not you, ignore this message; your password stays as it is.", link=link)
    queue_email(user.email, _("Reset your Commons Market password"), body)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset token. Raises ValidationFailed with the reason."""
    messages = {
        "expired": _("This reset link has expired. Ask for a new one."),
        "invalid": _("This reset link is not valid. Ask for a new one."),
        "used": _("This reset link was already used. Ask for a new one."),
    }
    try:
        payload = read_reset_token(token)
    except TokenInvalid as exc:
        raise ValidationFailed(messages[exc.reason]) from exc
    user = db.session.get(User, payload["uid"])
    if user is None:
        raise ValidationFailed(messages["invalid"])
    if payload["fp"] != fingerprint(user.password_hash):
        raise ValidationFailed(messages["used"])
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    throttle.clear(f"email:{user.email}")
    db.session.flush()
    return user


def grant_site_role(user: User, role: SiteRole, actor: User | None = None) -> bool:
    """Give `user` a site role; returns False if they already had it. Audited."""
    if user.has_role(role):
        return False
    before = sorted(user.site_roles)
    user.roles.append(UserRole(role=role.value))
    db.session.flush()
    audit.record(actor, "user.role_granted", user, before={"roles": before},
                 after={"roles": sorted(user.site_roles)})
    return True

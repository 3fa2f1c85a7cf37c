"""Signed, expiring group invitations (no table: the link carries the invitation)."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "group-invitation"
MAX_AGE = 14 * 24 * 3600


class InvitationInvalid(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" | "invalid"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_invitation_token(group_id: int, email: str, role: str, inviter_id: int) -> str:
    return _serializer().dumps({"g": group_id, "e": email, "r": role, "by": inviter_id})


def read_invitation_token(token: str) -> tuple[dict, dt.datetime]:
    """Return (payload, issued_at) or raise InvitationInvalid."""
    max_age = current_app.config.get("GROUP_INVITATION_MAX_AGE", MAX_AGE)
    try:
        payload, issued = _serializer().loads(token, max_age=max_age, return_timestamp=True)
    except SignatureExpired as exc:
        raise InvitationInvalid("expired") from exc
    except BadSignature as exc:
        raise InvitationInvalid("invalid") from exc
    if not isinstance(payload, dict) or not {"g", "e", "r"} <= payload.keys():
        raise InvitationInvalid("invalid")
    if issued.tzinfo is None:
        issued = issued.replace(tzinfo=dt.UTC)
    return payload, issued

"""Signed, expiring, single-use password-reset tokens.

The token carries a fingerprint of the current password hash, so it stops
working the moment the password changes: using it once spends it, without
a table of used tokens.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "password-reset"


class TokenInvalid(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" | "invalid" | "used"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def make_reset_token(user) -> str:
    return _serializer().dumps({"uid": user.id, "fp": fingerprint(user.password_hash)})


def read_reset_token(token: str) -> dict:
    """Return the payload or raise TokenInvalid('expired'|'invalid')."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as exc:
        raise TokenInvalid("expired") from exc
    except BadSignature as exc:
        raise TokenInvalid("invalid") from exc
    if not isinstance(payload, dict) or "uid" not in payload or "fp" not in payload:
        raise TokenInvalid("invalid")
    return payload

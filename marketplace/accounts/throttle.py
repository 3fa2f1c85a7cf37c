"""Slowing down password guessing, per typed email and per address.

Both keys are counted for every failure; either one locked refuses the
attempt. An unknown email is counted exactly like a known one.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from models import LoginThrottle, utcnow

from ..extensions import db

# An address may serve many residents (a library, a school): allow more.
IP_FACTOR = 4


def _limits(key: str) -> tuple[int, dt.timedelta]:
    config = current_app.config
    max_failures = config["LOGIN_MAX_FAILURES"] * (IP_FACTOR if key.startswith("ip:") else 1)
    return max_failures, dt.timedelta(minutes=config["LOGIN_LOCK_MINUTES"])


def locked_for(keys: list[str]) -> dt.timedelta | None:
    """How long until the longest lock on any of `keys` ends, or None."""
    now = utcnow()
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()
    remaining = [r.locked_until - now for r in rows if r.locked_until and r.locked_until > now]
    return max(remaining) if remaining else None


def record_failure(keys: list[str]) -> None:
    now = utcnow()
    for key in keys:
        max_failures, window = _limits(key)
        row = db.session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_started_at=now)
            db.session.add(row)
        if now - row.window_started_at > window:
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= max_failures:
            row.locked_until = now + window
    db.session.flush()


def clear(key: str) -> None:
    row = db.session.get(LoginThrottle, key)
    if row is not None:
        db.session.delete(row)
        db.session.flush()

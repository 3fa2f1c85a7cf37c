"""One commit per request, with side effects after it.

Services `flush()` and register side effects with `on_commit`; views call
`commit()`. Callbacks run only once the data they describe is durable, and
are dropped on rollback.
"""
from __future__ import annotations

from collections.abc import Callable

from .extensions import db

_KEY = "on_commit_callbacks"


def on_commit(callback: Callable[[], None]) -> None:
    db.session.info.setdefault(_KEY, []).append(callback)


def commit() -> None:
    callbacks = db.session.info.pop(_KEY, [])
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for callback in callbacks:
        callback()


def rollback() -> None:
    db.session.info.pop(_KEY, None)
    db.session.rollback()

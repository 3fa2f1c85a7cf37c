"""One commit per request, with side effects after it.

Services `flush()` and register side effects with `on_commit`; views call
`commit()`. Callbacks run only once the data they describe is durable, and
are dropped on rollback.

Work that cannot wait for the commit (a photo's files must be on disk before
its row points at them) registers its undo with `on_rollback`: it runs when
the transaction is rolled back, when the commit fails, or at the end of the
request if nothing was committed, so a failed request leaves no files behind.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)

_KEY = "on_commit_callbacks"
_UNDO = "on_rollback_callbacks"


def on_commit(callback: Callable[[], None]) -> None:
    db.session.info.setdefault(_KEY, []).append(callback)


def on_rollback(callback: Callable[[], None]) -> None:
    db.session.info.setdefault(_UNDO, []).append(callback)


def commit() -> None:
    callbacks = db.session.info.pop(_KEY, [])
    try:
        db.session.commit()
    except Exception:
        rollback()
        raise
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """Whatever commits the work (this module or a direct `session.commit()`), it must not be undone."""
    session.info.pop(_UNDO, None)


def rollback() -> None:
    db.session.info.pop(_KEY, None)
    db.session.rollback()
    discard_uncommitted()


def discard_uncommitted() -> None:
    """Run the undo callbacks of work that was never committed (and forget them)."""
    for callback in db.session.info.pop(_UNDO, []):
        try:
            callback()
        except Exception:  # an undo must not hide the error that caused it
            log.exception("undoing uncommitted work failed")


def register_teardown(app) -> None:
    @app.teardown_appcontext
    def undo_uncommitted(_exc=None):
        if db.session.registry.has():  # only a session this context used can hold undo work
            discard_uncommitted()

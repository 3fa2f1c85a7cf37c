"""Wire the search package into the app.

- Every SQLAlchemy Session writes search_outbox rows in the transaction that
  changes a listing (search.outbox), whoever the caller is.
- After a commit that wrote such rows, the outbox is drained into the index
  in the same process (`after_commit` on every Session, so the demo loader,
  CLI commands and services that commit directly are covered as well as
  tx.commit()). A drain never raises into the request: on any failure the
  rows stay for the next drain, `flask search sync`, or the poll below.
- Search requests poll the outbox at most every SEARCH_POLL_SECONDS and
  drain leftovers without waiting for the index lock (safety net for a drain
  that lost a race or a process that died between commit and drain).
"""
from __future__ import annotations

import logging
import threading
import time

from flask import current_app, has_app_context
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from search import drain, get_handle, register_outbox_hooks
from search.outbox import PENDING_KEY

from .extensions import db

log = logging.getLogger(__name__)
_registered = False
_poll_lock = threading.Lock()
_last_poll: dict[str, float] = {}


def init_app(app) -> None:
    app.config.setdefault("SEARCH_DRAIN_ON_COMMIT", True)
    app.config.setdefault("SEARCH_DRAIN_TIMEOUT", 2.0)
    app.config.setdefault("SEARCH_POLL_SECONDS", 5.0)
    _register_once()


def _register_once() -> None:
    global _registered
    if _registered:
        return
    register_outbox_hooks(Session)
    event.listen(Session, "after_commit", _after_commit)
    _registered = True


def index_dir(app=None) -> str:
    app = app or current_app
    return app.config["SEARCH_INDEX_DIR"]


def handle(app=None):
    return get_handle(index_dir(app))


def session_factory(engine=None):
    engine = engine or db.engine
    return lambda: Session(bind=engine, expire_on_commit=False)


def _after_commit(session: Session) -> None:
    if not session.info.pop(PENDING_KEY, False):
        return
    if not has_app_context() or not current_app.config.get("SEARCH_DRAIN_ON_COMMIT", True):
        return
    bind = session.get_bind()
    if isinstance(bind, Connection):
        return  # an outer transaction still owns the rows; nothing is durable yet
    try:
        drain(session_factory(bind), index_dir(), timeout=current_app.config["SEARCH_DRAIN_TIMEOUT"])
    except Exception:  # noqa: BLE001 - indexing must never break the request that committed
        log.exception("search: draining the outbox after commit failed; rows kept for the next drain")


def poll_outbox() -> None:
    """Drain leftovers now and then (non-blocking); called by the search views."""
    path = index_dir()
    every = float(current_app.config.get("SEARCH_POLL_SECONDS", 5.0))
    now = time.monotonic()
    with _poll_lock:
        if now - _last_poll.get(path, -every) < every:
            return
        _last_poll[path] = now
    try:
        drain(session_factory(), path, timeout=0)
    except Exception:  # noqa: BLE001 - a search page must still answer
        log.exception("search: polling the outbox failed")


def index_status() -> dict:
    """For /healthz: whether the index opens, and how many documents it holds."""
    searcher = handle().searcher()
    return {"documents": searcher.doc_count()}

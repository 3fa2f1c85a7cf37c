"""Keep the index in step with SQL: drain the outbox, rebuild, check.

Concurrency (several gunicorn workers, the CLI): Whoosh allows one writer
per index, guarded by a file lock. A drain takes the lock first and only
then reads the outbox and the listings, so whoever writes last wrote the
latest committed state. Outbox rows are deleted only after the index commit
that applied them; a drain that cannot get the lock within `timeout` leaves
its rows, and every drain looks at the outbox again after releasing the
lock, so a row committed while someone else held the lock is picked up by
that holder. Nobody ever sees a LockError: it is caught here.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from whoosh import writing
from whoosh.index import LockError
from whoosh.query import Every

from models import SearchOutbox

from .documents import all_documents, count_public, documents_for, public_titles
from .engine import EPOCH, create_index, get_handle, index_exists, open_index, schema_version
from .schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

REBUILD_LIMIT_MB = 1024

SessionFactory = Callable[[], Session]


@dataclass
class DrainResult:
    rows: int = 0
    indexed: int = 0
    removed: int = 0
    locked: bool = False
    rounds: int = 0


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count(SearchOutbox.id))) or 0


def _has_pending(session_factory: SessionFactory) -> bool:
    with session_factory() as session:
        return session.scalar(select(SearchOutbox.id).limit(1)) is not None


def _drain_once(session_factory: SessionFactory, path: str, timeout: float, batch: int,
                result: DrainResult) -> bool:
    """One locked round; returns False when there is nothing (more) to do now."""
    ix = open_index(path)
    try:
        writer = ix.writer(timeout=timeout, delay=0.05) if timeout > 0 else ix.writer()
    except LockError:
        result.locked = True
        return False
    committed = False
    try:
        with session_factory() as session:
            rows = session.execute(
                select(SearchOutbox.id, SearchOutbox.listing_id).order_by(SearchOutbox.id).limit(batch)
            ).all()
            if not rows:
                writer.cancel()
                committed = True
                return False
            listing_ids = {row.listing_id for row in rows}
            docs = documents_for(session, listing_ids)
            for listing_id in sorted(listing_ids):
                doc = docs.get(listing_id)
                if doc is not None:
                    writer.update_document(**doc)
                    result.indexed += 1
                else:
                    writer.delete_by_term("id", str(listing_id))
                    result.removed += 1
            session.rollback()  # end the read snapshot before the slow index commit
            writer.commit()
            committed = True
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows])))
            session.commit()
            result.rows += len(rows)
            result.rounds += 1
            return True
    finally:
        if not committed:
            writer.cancel()


def drain(session_factory: SessionFactory, path: str, timeout: float = 2.0, batch: int = 500,
          max_rounds: int = 50) -> DrainResult:
    """Apply pending outbox rows to the index. Safe to call from many processes at once."""
    result = DrainResult()
    for _ in range(max_rounds):
        if not _has_pending(session_factory):
            break
        if not _drain_once(session_factory, path, timeout, batch, result):
            break
    return result


def rebuild(session_factory: SessionFactory, path: str, procs: int = 1,
            progress: Callable[[int], None] | None = None, total: Callable[[int], None] | None = None,
            today: dt.date | None = None, timeout: float = 60.0) -> int:
    """Recreate the index from SQL in one writer commit; returns the document count.

    Searches keep answering from the old index until the commit, which
    replaces every segment at once (mergetype CLEAR). Outbox rows are left
    alone and drained afterwards, so nothing committed meanwhile is lost.
    """
    if not index_exists(path) or schema_version(path) != SCHEMA_VERSION:
        create_index(path)
    ix = open_index(path)
    # Each process sorts its postings in memory up to this size before
    # spilling sorted runs to disk and merging them back (one Python-level
    # heap merge over every posting). Whoosh's estimate is ~170 bytes a
    # posting, ~70 postings a listing: 1 GB keeps 50k listings per process
    # in one run (no merge); real memory is about that, per process, at 100k.
    options = {"limitmb": REBUILD_LIMIT_MB}
    if procs > 1:
        # One segment per process, not merged: merging them into one costs
        # more than indexing them did (measured: 10k listings 59 s merged vs
        # 24 s not), and the set-based matching (docsets.py) evaluates each
        # segment separately at no real extra cost. The next drains' small
        # segments get merged into them by Whoosh's usual merge policy.
        options.update(procs=procs, batchsize=200, multisegment=True)
    writer = ix.writer(timeout=timeout, delay=0.1, **options)
    count = 0
    try:
        with session_factory() as session:
            if total is not None:
                total(count_public(session, today))
            for doc in all_documents(session, today=today):
                writer.add_document(**doc)
                count += 1
                if progress is not None:
                    progress(1)
        writer.commit(mergetype=writing.CLEAR)
    except BaseException:
        writer.cancel()
        raise
    get_handle(path).searcher()  # refresh this process's view now
    drain(session_factory, path, timeout=timeout)
    return count


@dataclass
class CheckReport:
    indexed: int = 0
    public: int = 0
    missing: list[int] = field(default_factory=list)  # public in SQL, no document
    extra: list[int] = field(default_factory=list)  # document without a public listing
    stale: list[int] = field(default_factory=list)  # document with an outdated title
    pending: int = 0
    schema_ok: bool = True

    @property
    def drift(self) -> bool:
        return bool(self.missing or self.extra or self.stale or not self.schema_ok)


def check(session_factory: SessionFactory, path: str, today: dt.date | None = None) -> CheckReport:
    """Compare the index with SQL. Listings with a pending outbox row are not counted as drift."""
    from .service import display_title

    today = today or dt.date.today()
    report = CheckReport()
    if not index_exists(path) or schema_version(path) != SCHEMA_VERSION:
        report.schema_ok = False
    with session_factory() as session:
        report.pending = pending_count(session)
        waiting = set(session.scalars(select(SearchOutbox.listing_id)))
        titles = public_titles(session, today)
    sql_ids = set(titles)
    report.public = len(sql_ids)
    if not report.schema_ok:
        report.missing = sorted(sql_ids)
        return report
    day = (today - EPOCH).days
    index_ids: dict[int, str] = {}
    searcher = get_handle(path).searcher()
    end_days = get_handle(path).columns(searcher)["end_day"]
    for docnum in searcher.docs_for_query(Every()):
        if end_days[docnum] < day:
            continue  # expired: hidden at query time, not drift
        stored = searcher.stored_fields(docnum)
        index_ids[int(stored["id"])] = display_title(stored.get("title"))
    report.indexed = len(index_ids)
    report.missing = sorted(i for i in sql_ids - index_ids.keys() if i not in waiting)
    report.extra = sorted(i for i in index_ids.keys() - sql_ids if i not in waiting)
    report.stale = sorted(i for i, title in titles.items()
                          if i in index_ids and index_ids[i] != title and i not in waiting)
    return report


def requeue_passed_occurrences(session_factory: SessionFactory, path: str,
                               now: dt.datetime | None = None) -> int:
    """Queue listings whose stored next occurrence has passed (for the "soonest" sort)."""
    now = now or dt.datetime.now(dt.UTC)
    minutes = int(now.timestamp() // 60)
    if not index_exists(path):
        return 0
    handle = get_handle(path)
    searcher = handle.searcher()
    next_at = handle.columns(searcher)["next_at"]
    ids = []
    for docnum in searcher.docs_for_query(Every()):
        if 0 < next_at[docnum] < minutes:
            ids.append(int(searcher.stored_fields(docnum)["id"]))
    if ids:
        with session_factory() as session:
            session.execute(SearchOutbox.__table__.insert(),
                            [{"listing_id": i, "op": "upsert", "created_at": now} for i in ids])
            session.commit()
    return len(ids)


__all__ = ["CheckReport", "DrainResult", "check", "drain", "pending_count", "rebuild",
           "requeue_passed_occurrences", "documents_for"]

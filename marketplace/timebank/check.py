"""`ledger check`: verify every invariant of the time bank over the whole database.

The sums run in SQL (GROUP BY); the hash chain is verified by streaming the
entries in id order (server-side cursor on PostgreSQL) and recomputing each
hash. On PostgreSQL everything reads one REPEATABLE READ snapshot, so the
check is consistent while transfers keep being written.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from models import Account, Entry, Hold, HoldStatus, LedgerHead, Transfer
from models.entry import GENESIS_HASH, entry_hash

SHOW = 20  # findings listed per kind; the count is always complete
STREAM_BATCH = 20_000


@dataclass
class Finding:
    kind: str
    message: str


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0
    violations: int = 0

    @property
    def ok(self) -> bool:
        return self.violations == 0

    def add(self, kind: str, message: str) -> None:
        self.violations += 1
        if sum(1 for f in self.findings if f.kind == kind) < SHOW:
            self.findings.append(Finding(kind, message))


def check_ledger(engine: Engine, *, verify_chain: bool = True) -> CheckReport:
    report = CheckReport()
    started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        _check_postgresql(engine, report, verify_chain)
    else:
        with engine.connect() as conn, conn.begin():
            _check_sums(conn, report)
            _check_accounts(conn, report)
            if verify_chain:
                _check_chain(conn, report)
    report.seconds = time.perf_counter() - started
    return report


def _snapshot_connection(engine: Engine):
    conn = engine.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    conn.begin()
    return conn


def _check_postgresql(engine: Engine, report: CheckReport, verify_chain: bool) -> None:
    """The SQL sums run on a second connection that shares the first one's
    snapshot (pg_export_snapshot), in parallel with the hash-chain walk: the
    server aggregates while this process hashes."""
    main = _snapshot_connection(engine)
    try:
        main.exec_driver_sql("SET LOCAL jit = off")  # compiling the streaming query costs more than it saves
        snapshot = main.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        sums = CheckReport()
        failure: list[BaseException] = []

        def run_sums() -> None:
            try:
                other = engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                           postgresql_readonly=True)
                with other, other.begin():
                    other.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                    _check_sums(other, sums)
                    _check_accounts(other, sums)
            except BaseException as exc:  # re-raised in the caller's thread
                failure.append(exc)

        worker = threading.Thread(target=run_sums, name="ledger-check-sums")
        worker.start()
        try:
            if verify_chain:
                _check_chain(main, report)
        finally:
            worker.join()
        if failure:
            raise failure[0]
        report.counts.update(sums.counts)
        report.violations += sums.violations
        report.findings = sums.findings + report.findings
    finally:
        main.rollback()
        main.close()


def _check_sums(conn, report: CheckReport) -> None:
    e, t = Entry.__table__.c, Transfer.__table__.c
    report.counts["entries"] = conn.scalar(select(func.count()).select_from(Entry.__table__)) or 0
    report.counts["transfers"] = conn.scalar(select(func.count()).select_from(Transfer.__table__)) or 0
    total = conn.scalar(select(func.coalesce(func.sum(e.amount_minutes), 0)))
    if total != 0:
        report.add("total", f"the sum of all entries is {total} minutes, not 0")
    unbalanced = conn.execute(
        select(e.transfer_id, func.sum(e.amount_minutes), func.count())
        .group_by(e.transfer_id)
        .having((func.sum(e.amount_minutes) != 0) | (func.count() < 2))
        .order_by(e.transfer_id)
    )
    for transfer_id, total, count in unbalanced:
        report.add("transfer_sum", f"transfer {transfer_id}: {count} entries summing to {total} minutes")
    empty = conn.execute(
        select(t.id).where(~select(e.id).where(e.transfer_id == t.id).exists()).order_by(t.id)
    )
    for (transfer_id,) in empty:
        report.add("transfer_sum", f"transfer {transfer_id} has no entries")


def _check_accounts(conn, report: CheckReport) -> None:
    a, e, h = Account.__table__.c, Entry.__table__.c, Hold.__table__.c
    sums = select(e.account_id, func.sum(e.amount_minutes).label("total")).group_by(e.account_id).subquery()
    held = (select(h.account_id, func.sum(h.minutes).label("held"))
            .where(h.status == HoldStatus.OPEN.value).group_by(h.account_id).subquery())
    rows = conn.execute(
        select(a.id, a.balance, a.held, a.floor, func.coalesce(sums.c.total, 0), func.coalesce(held.c.held, 0))
        .outerjoin(sums, sums.c.account_id == a.id)
        .outerjoin(held, held.c.account_id == a.id)
        .order_by(a.id)
    )
    accounts = 0
    for account_id, balance, cached_held, floor, total, open_held in rows:
        accounts += 1
        if balance != total:
            report.add("balance", f"account {account_id}: cached balance {balance} but its entries sum to {total}")
        if cached_held != open_held:
            report.add("held", f"account {account_id}: cached held {cached_held} but open holds sum to {open_held}")
        if floor is not None and total < floor:
            report.add("floor", f"account {account_id}: balance {total} is below its floor {floor}")
    report.counts["accounts"] = accounts
    orphans = conn.scalar(select(func.count()).select_from(Entry.__table__)
                          .where(~select(a.id).where(a.id == e.account_id).exists()))
    if orphans:
        report.add("balance", f"{orphans} entries belong to no account")


CHAIN_SQL = """
SELECT e.id, e.prev_hash, e.hash, e.transfer_id, e.account_id, e.amount_minutes,
       (extract(epoch FROM e.created_at) * 1000000)::bigint, t.reason, t.reference
FROM entries e LEFT JOIN transfers t ON t.id = e.transfer_id
ORDER BY e.id
"""


def _chain_rows(conn):
    """(id, prev_hash, hash, transfer_id, account_id, amount, created_at, reason, reference) in id order.

    On PostgreSQL: a named (server-side) psycopg cursor in the check's
    snapshot, bypassing SQLAlchemy's per-row processing, with the timestamp
    as exact epoch microseconds computed by the server.
    """
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.dbapi_connection.cursor(name="ledger_check_chain")
        try:
            cursor.execute(CHAIN_SQL)
            while batch := cursor.fetchmany(STREAM_BATCH):
                yield from batch
        finally:
            cursor.close()
        return
    e, t = Entry.__table__.c, Transfer.__table__.c
    query = (select(e.id, e.prev_hash, e.hash, e.transfer_id, e.account_id, e.amount_minutes, e.created_at,
                    t.reason, t.reference)
             .join_from(Entry.__table__, Transfer.__table__, t.id == e.transfer_id, isouter=True)
             .order_by(e.id))
    yield from conn.execution_options(yield_per=STREAM_BATCH).execute(query)


def _check_chain(conn, report: CheckReport) -> None:
    expected_id, prev = 0, GENESIS_HASH
    for entry_id, prev_hash, digest, transfer_id, account_id, amount, created_at, reason, reference \
            in _chain_rows(conn):
        expected_id += 1
        if entry_id != expected_id:
            report.add("chain", f"entries {expected_id}..{entry_id - 1} are missing (ids must be contiguous)")
            expected_id = entry_id
        if prev_hash != prev:
            report.add("chain", f"entry {entry_id}: previous-hash link is broken")
        if reason is None:
            report.add("chain", f"entry {entry_id}: its transfer {transfer_id} is missing")
        elif entry_hash(entry_id, prev_hash, transfer_id, account_id, amount, created_at,
                        reason, reference) != digest:
            report.add("chain", f"entry {entry_id}: content does not match its hash (changed after writing)")
        prev = digest
    head = conn.execute(select(LedgerHead.__table__.c.last_entry_id, LedgerHead.__table__.c.last_hash)).first()
    head_id, head_hash = head if head is not None else (0, GENESIS_HASH)
    if head_id != expected_id or head_hash != prev:
        report.add("chain", f"the ledger head points at entry {head_id} but the last entry is {expected_id} "
                            "(entries were removed or added outside the ledger)")

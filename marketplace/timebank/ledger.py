"""The double-entry core of the time bank: transfers, holds, reversals.

Every function takes the SQLAlchemy session explicitly, flushes and never
commits, so it runs inside the caller's unit of work (a request, a CLI
command, a benchmark thread). The rules it keeps:

* a transfer's entries sum to zero, each account appears with a non-zero amount;
* accounts are locked in id order (SELECT ... FOR UPDATE) before they are
  read, and their cached balance and held columns change in the same
  transaction as the entries;
* no debit takes an account's available balance (balance - held) below its floor;
* entries are appended under the ledger-head lock, which gives them
  contiguous ids and a linear hash chain. The head is locked last, after the
  accounts, so the serialised part of a transfer is as short as possible and
  the lock order is always accounts (by id) → head: no deadlock between them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from models import Account, Entry, Hold, HoldStatus, LedgerHead, Transfer, TransferReason, utcnow
from models.entry import GENESIS_HASH, entry_hash
from models.errors import Conflict, NotFound

from .amounts import format_minutes
from .errors import InsufficientHours, TransferRefused, check_minutes

HEAD_ID = 1
REFERENCE_MAX = 120


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_ignoring_conflict(session: Session, model, values: dict) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: creating a row that may already
    exist (an account, the ledger head) never fails under concurrency."""
    if dialect_name(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


@dataclass
class Locked:
    """An account row as read under its lock (the hot path avoids the ORM unit of work)."""

    id: int
    kind: str
    name: str
    code: str | None
    floor: int | None
    balance: int
    held: int


_A = Account.__table__
_E = Entry.__table__
_H = LedgerHead.__table__
_T = Transfer.__table__

_LOCK_COLUMNS = (_A.c.id, _A.c.kind, _A.c.name, _A.c.code, _A.c.floor, _A.c.balance, _A.c.held)
_ADD_BALANCE = update(_A).where(_A.c.id == bindparam("b_id")).values(balance=_A.c.balance + bindparam("b_delta"))
_ADD_HELD = update(_A).where(_A.c.id == bindparam("b_id")).values(held=_A.c.held + bindparam("b_delta"))
# Built once: the hot path reuses compiled statements from SQLAlchemy's cache
# (and psycopg's prepared statements) instead of building new SQL per transfer.
_TOUCH = update(_A).where(_A.c.id.in_(bindparam("ids", expanding=True))).values(balance=_A.c.balance)
_LOCK = (select(*_LOCK_COLUMNS).where(_A.c.id.in_(bindparam("ids", expanding=True))).order_by(_A.c.id)
         .with_for_update())
_LOCK_HEAD = select(_H.c.last_entry_id, _H.c.last_hash).where(_H.c.id == HEAD_ID).with_for_update()
_INSERT_TRANSFER = insert(_T).returning(_T.c.id)
_INSERT_ENTRIES = insert(_E)
# PostgreSQL: fewer round trips with data-modifying CTEs over arrays (constant SQL, prepared once).
_PG_BALANCES_AND_TRANSFER = text("""
WITH moved AS (
  UPDATE accounts SET balance = accounts.balance + d.delta
  FROM unnest(CAST(:ids AS integer[]), CAST(:deltas AS integer[])) AS d(id, delta)
  WHERE accounts.id = d.id
)
INSERT INTO transfers (created_at, reason, reference, memo, actor_id, reverses_id)
VALUES (:created_at, :reason, :reference, :memo, :actor_id, :reverses_id)
RETURNING id
""")
_PG_ENTRIES_AND_HEAD = text("""
WITH appended AS (
  INSERT INTO entries (id, transfer_id, account_id, amount_minutes, created_at, prev_hash, hash)
  SELECT * FROM unnest(CAST(:e_id AS bigint[]), CAST(:e_transfer AS integer[]), CAST(:e_account AS integer[]),
                       CAST(:e_amount AS integer[]), CAST(:e_at AS timestamptz[]), CAST(:e_prev AS varchar[]),
                       CAST(:e_hash AS varchar[]))
)
UPDATE ledger_head SET last_entry_id = :h_id, last_hash = :h_hash WHERE id = 1
""")
_MOVE_HEAD = update(_H).where(_H.c.id == HEAD_ID).values(last_entry_id=bindparam("h_id"),
                                                          last_hash=bindparam("h_hash"))


def lock_accounts(session: Session, account_ids: Iterable[int]) -> dict[int, Locked]:
    """Lock the accounts in id order (SELECT ... FOR UPDATE) and read them fresh."""
    ids = sorted(set(account_ids))
    if dialect_name(session) == "sqlite":
        # SQLite has no row locks: take the database write lock now, before
        # reading, so no other writer can change a balance we are about to use.
        session.connection().execute(_TOUCH, {"ids": ids})
    rows = session.connection().execute(_LOCK, {"ids": ids})
    locked = {row.id: Locked(*row) for row in rows}
    if len(locked) != len(ids):
        raise NotFound(_("This time-bank account does not exist."))
    return locked


def _sync(session: Session, locked: dict[int, Locked]) -> None:
    """Show the new cached values to Account objects already loaded in this session."""
    for account_id, snapshot in locked.items():
        account = session.identity_map.get(identity_key(Account, account_id))
        if account is not None:
            set_committed_value(account, "balance", snapshot.balance)
            set_committed_value(account, "held", snapshot.held)


def _add_balances(session: Session, deltas: dict[int, int]) -> None:
    session.connection().execute(_ADD_BALANCE, [{"b_id": a, "b_delta": d} for a, d in sorted(deltas.items())])


def change_held(session: Session, account: Locked, delta: int) -> None:
    session.connection().execute(_ADD_HELD, [{"b_id": account.id, "b_delta": delta}])
    account.held += delta
    _sync(session, {account.id: account})


def lock_head(session: Session) -> tuple[int, str]:
    """Lock the end of the hash chain (creating it on first use): (last entry id, last hash)."""
    head = session.connection().execute(_LOCK_HEAD).first()
    if head is None:
        insert_ignoring_conflict(session, LedgerHead, {"id": HEAD_ID, "last_entry_id": 0,
                                                       "last_hash": GENESIS_HASH})
        head = session.connection().execute(_LOCK_HEAD).one()
    return head[0], head[1]


def _refuse_below_floor(account: Locked, delta: int) -> None:
    if delta >= 0 or account.floor is None:
        return
    if account.balance + delta - account.held < account.floor:
        spendable = account.balance - account.held - account.floor
        raise InsufficientHours(
            _("Not enough hours in %(account)s: %(available)s can be spent, this needs %(needed)s.",
              account=account_label(account), available=format_minutes(max(spendable, 0)),
              needed=format_minutes(-delta)),
            fields={"hours": [_("Not enough hours.")]},
        )


def account_label(account) -> str:
    if account.kind == "user":
        return _("the account of %(name)s", name=account.name or f"#{account.id}")
    if account.kind == "group":
        return _("the group account of %(name)s", name=account.name or f"#{account.id}")
    return _("the system account %(name)s", name=account.name or account.code)


def post_transfer(session: Session, legs: list[tuple[int, int]], *, reason: TransferReason | str,
                  reference: str = "", memo: str = "", actor_id: int | None = None,
                  reverses_id: int | None = None, locked: dict[int, Locked] | None = None) -> Transfer:
    """Append one transfer made of `legs` [(account_id, signed minutes), ...].

    The legs must sum to zero. Raises InsufficientHours (and writes nothing)
    if a debit would take an account's available balance below its floor.
    `locked` passes accounts the caller already locked (they must include
    every account of the legs).
    """
    reason = TransferReason(reason)
    if len(legs) < 2 or any(not isinstance(a, int) or isinstance(a, bool) or a == 0 for _id, a in legs):
        raise TransferRefused(_("A transfer needs at least two non-zero whole-minute amounts."))
    if sum(amount for _id, amount in legs) != 0:
        raise TransferRefused(_("A transfer's amounts must add up to zero."))
    deltas: dict[int, int] = defaultdict(int)
    for account_id, amount in legs:
        deltas[account_id] += amount
    if len(deltas) < 2:
        raise TransferRefused(_("You cannot transfer hours to the same account."))
    if locked is None or not set(deltas) <= set(locked):
        locked = lock_accounts(session, deltas)
    for account_id, delta in deltas.items():
        _refuse_below_floor(locked[account_id], delta)

    changes = sorted((a, d) for a, d in deltas.items() if d)
    for account_id, delta in deltas.items():
        locked[account_id].balance += delta
    now = utcnow()
    reference = (reference or "")[:REFERENCE_MAX]
    values = {"created_at": now, "reason": reason.value, "reference": reference, "memo": memo or "",
              "actor_id": actor_id, "reverses_id": reverses_id}
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    if postgres:  # balances and the transfer row in one round trip
        transfer_id = conn.execute(_PG_BALANCES_AND_TRANSFER, {
            **values, "ids": [a for a, _d in changes], "deltas": [d for _a, d in changes]}).scalar_one()
    else:
        _add_balances(session, dict(changes))
        transfer_id = conn.execute(_INSERT_TRANSFER, values).scalar_one()

    # The serialised part: from here to commit, one writer at a time.
    entry_id, prev_hash = lock_head(session)
    rows = []
    for account_id, amount in legs:
        entry_id += 1
        digest = entry_hash(entry_id, prev_hash, transfer_id, account_id, amount, now, reason.value, reference)
        rows.append({"id": entry_id, "transfer_id": transfer_id, "account_id": account_id,
                     "amount_minutes": amount, "created_at": now, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    if postgres:  # entries and the new head in one round trip, inside the head lock
        conn.execute(_PG_ENTRIES_AND_HEAD, {
            "e_id": [r["id"] for r in rows], "e_transfer": [transfer_id] * len(rows),
            "e_account": [r["account_id"] for r in rows], "e_amount": [r["amount_minutes"] for r in rows],
            "e_at": [now] * len(rows), "e_prev": [r["prev_hash"] for r in rows], "e_hash": [r["hash"] for r in rows],
            "h_id": entry_id, "h_hash": prev_hash})
    else:
        conn.execute(_INSERT_ENTRIES, rows)
        conn.execute(_MOVE_HEAD, {"h_id": entry_id, "h_hash": prev_hash})
    _sync(session, {a: locked[a] for a in deltas})

    # A persistent Transfer object without reading the row back.
    transfer = Transfer(id=transfer_id, **values)
    make_transient_to_detached(transfer)
    session.add(transfer)
    return transfer


def move(session: Session, from_id: int, to_id: int, minutes: int, *, reason: TransferReason | str,
         reference: str = "", memo: str = "", actor_id: int | None = None) -> Transfer:
    """Move `minutes` (positive, whole, bounded) from one account to another."""
    check_minutes(minutes)
    if from_id == to_id:
        raise TransferRefused(_("You cannot transfer hours to the same account."),
                              fields={"recipient": [_("Choose someone else.")]})
    return post_transfer(session, [(from_id, -minutes), (to_id, minutes)], reason=reason,
                         reference=reference, memo=memo, actor_id=actor_id)


def reverse(session: Session, transfer_id: int, *, actor_id: int | None = None, memo: str = "") -> Transfer:
    """Post the mirror image of a transfer (reason `reversal`, pointing at it).

    Refused for a reversal, for a transfer already reversed, and when taking
    the hours back would put an account below its floor.
    """
    original = session.get(Transfer, transfer_id)
    if original is None:
        raise NotFound(_("This transfer does not exist."))
    if original.reason == TransferReason.REVERSAL.value:
        raise Conflict(_("A reversal cannot itself be reversed; make a new transfer instead."))
    legs = [(account_id, -amount) for account_id, amount in session.execute(
        select(_E.c.account_id, _E.c.amount_minutes).where(_E.c.transfer_id == transfer_id).order_by(_E.c.id))]
    locked = lock_accounts(session, [account_id for account_id, _a in legs])
    # Checked after the lock: a concurrent reversal of the same transfer has committed by now.
    if session.scalar(select(_T.c.id).where(_T.c.reverses_id == transfer_id)) is not None:
        raise Conflict(_("This transfer has already been reversed."))
    return post_transfer(session, legs, reason=TransferReason.REVERSAL, reference=f"transfer:{transfer_id}",
                         memo=memo, actor_id=actor_id, reverses_id=transfer_id, locked=locked)


# --- holds ------------------------------------------------------------------

def _open_hold(session: Session, reference: str, *, lock: bool = False) -> Hold | None:
    query = select(Hold).where(Hold.reference == reference, Hold.status == HoldStatus.OPEN.value)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def place_hold(session: Session, account_id: int, minutes: int, reference: str) -> Hold:
    """Set `minutes` aside on the account for `reference` (idempotent per open reference)."""
    check_minutes(minutes)
    reference = (reference or "")[:REFERENCE_MAX]
    if not reference:
        raise TransferRefused(_("A hold needs a reference."))
    account = lock_accounts(session, [account_id])[account_id]
    existing = _open_hold(session, reference, lock=True)
    if existing is not None:
        return existing
    if account.floor is not None and account.balance - account.held - minutes < account.floor:
        spendable = account.balance - account.held - account.floor
        raise InsufficientHours(
            _("Not enough hours: %(available)s available, this needs %(needed)s.",
              available=format_minutes(max(spendable, 0)), needed=format_minutes(minutes)),
            fields={"hours": [_("Not enough hours.")]},
        )
    change_held(session, account, minutes)
    hold = Hold(account_id=account.id, reference=reference, minutes=minutes, status=HoldStatus.OPEN.value)
    session.add(hold)
    session.flush()
    return hold


def release_hold(session: Session, reference: str) -> Hold | None:
    """Give the held minutes back to the available balance; no-op without an open hold."""
    hold = _open_hold(session, reference)
    if hold is None:
        return None
    account = lock_accounts(session, [hold.account_id])[hold.account_id]
    hold = _open_hold(session, reference, lock=True)  # re-read under the account lock
    if hold is None:
        return None
    change_held(session, account, -hold.minutes)
    hold.status, hold.closed_at = HoldStatus.RELEASED.value, utcnow()
    session.flush()
    return hold


def settle_hold(session: Session, reference: str, to_account_id: int, *, actor_id: int | None = None,
                reason: TransferReason | str = TransferReason.BOOKING_PAYMENT) -> Transfer:
    """Turn the open hold into a transfer to `to_account_id`, in the caller's transaction."""
    hold = _open_hold(session, reference)
    if hold is None:
        raise Conflict(_("There is no open hold for this booking."))
    locked = lock_accounts(session, [hold.account_id, to_account_id])
    hold = _open_hold(session, reference, lock=True)
    if hold is None:
        raise Conflict(_("There is no open hold for this booking."))
    change_held(session, locked[hold.account_id], -hold.minutes)  # they become the transfer's debit
    transfer = post_transfer(session, [(hold.account_id, -hold.minutes), (to_account_id, hold.minutes)],
                             reason=reason, reference=reference, actor_id=actor_id, locked=locked)
    hold.status, hold.closed_at, hold.transfer_id = HoldStatus.SETTLED.value, utcnow(), transfer.id
    session.flush()
    return transfer

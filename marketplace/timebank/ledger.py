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

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

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


def lock_accounts(session: Session, account_ids: Iterable[int]) -> dict[int, Account]:
    """Lock the accounts in id order and return them with fresh balances."""
    ids = sorted(set(account_ids))
    if dialect_name(session) == "sqlite":
        # SQLite has no row locks: take the database write lock now, before
        # reading, so no other writer can change a balance we are about to use.
        session.execute(update(Account.__table__).where(Account.__table__.c.id.in_(ids))
                        .values(balance=Account.__table__.c.balance))
    rows = session.scalars(
        select(Account).where(Account.id.in_(ids)).order_by(Account.id)
        .with_for_update().execution_options(populate_existing=True)
    ).all()
    if len(rows) != len(ids):
        raise NotFound(_("This time-bank account does not exist."))
    return {account.id: account for account in rows}


def lock_head(session: Session) -> LedgerHead:
    """Lock the end of the hash chain (creating it on first use)."""
    query = (select(LedgerHead).where(LedgerHead.id == HEAD_ID).with_for_update()
             .execution_options(populate_existing=True))
    head = session.scalars(query).first()
    if head is None:
        insert_ignoring_conflict(session, LedgerHead, {"id": HEAD_ID, "last_entry_id": 0,
                                                       "last_hash": GENESIS_HASH})
        head = session.scalars(query).one()
    return head


def _refuse_below_floor(account: Account, delta: int) -> None:
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


def account_label(account: Account) -> str:
    if account.kind == "user":
        return _("the account of %(name)s", name=account.name or f"#{account.id}")
    if account.kind == "group":
        return _("the group account of %(name)s", name=account.name or f"#{account.id}")
    return _("the system account %(name)s", name=account.name or account.code)


def post_transfer(session: Session, legs: list[tuple[int, int]], *, reason: TransferReason | str,
                  reference: str = "", memo: str = "", actor_id: int | None = None,
                  reverses_id: int | None = None, locked: dict[int, Account] | None = None) -> Transfer:
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
    for account_id, delta in deltas.items():
        locked[account_id].balance += delta

    now = utcnow()
    reference = (reference or "")[:REFERENCE_MAX]
    transfer = Transfer(created_at=now, reason=reason.value, reference=reference, memo=memo or "",
                        actor_id=actor_id, reverses_id=reverses_id)
    session.add(transfer)
    session.flush()  # balances and the transfer row, before the head lock

    head = lock_head(session)
    prev_hash, entry_id = head.last_hash, head.last_entry_id
    for account_id, amount in legs:
        entry_id += 1
        digest = entry_hash(entry_id, prev_hash, transfer.id, account_id, amount, now, reason.value, reference)
        session.add(Entry(id=entry_id, transfer_id=transfer.id, account_id=account_id, amount_minutes=amount,
                          created_at=now, prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    head.last_entry_id, head.last_hash = entry_id, prev_hash
    session.flush()
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
    legs = [(e.account_id, -e.amount_minutes) for e in original.entries]
    locked = lock_accounts(session, [account_id for account_id, _a in legs])
    # Checked after the lock: a concurrent reversal of the same transfer has committed by now.
    if session.scalar(select(Transfer.id).where(Transfer.reverses_id == transfer_id)) is not None:
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
    account.held += minutes
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
    account.held -= hold.minutes
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
    account = locked[hold.account_id]
    account.held -= hold.minutes  # the hold's minutes become the transfer's debit
    transfer = post_transfer(session, [(hold.account_id, -hold.minutes), (to_account_id, hold.minutes)],
                             reason=reason, reference=reference, actor_id=actor_id, locked=locked)
    hold.status, hold.closed_at, hold.transfer_id = HoldStatus.SETTLED.value, utcnow(), transfer.id
    session.flush()
    return transfer

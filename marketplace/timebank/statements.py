"""Reading an account: statement lines with a running balance, CSV export, the API page."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import func, select

from models import Account, Entry, Transfer

from ..extensions import db
from .amounts import clock

STATEMENT_LIMIT = 1000


@dataclass
class Line:
    entry_id: int
    at: dt.datetime
    amount: int
    balance: int
    reason: str
    reference: str
    memo: str
    transfer_id: int


@dataclass
class Statement:
    account: Account
    start: dt.datetime | None
    end: dt.datetime | None
    opening: int
    closing: int
    lines: list[Line]
    truncated: bool


def statement(account: Account, start: dt.datetime | None = None, end: dt.datetime | None = None,
              limit: int | None = STATEMENT_LIMIT) -> Statement:
    """Entries of `account` in [start, end), oldest first, each with the balance after it.

    The opening balance is the sum of everything before `start`, so the running
    balance is right whatever the period. With `limit`, the most recent lines are kept.
    """
    before = select(func.coalesce(func.sum(Entry.amount_minutes), 0)).where(Entry.account_id == account.id)
    if start is not None:
        before = before.where(Entry.created_at < start)
        opening = db.session.scalar(before) or 0
    else:
        opening = 0
    query = (select(Entry.id, Entry.created_at, Entry.amount_minutes, Transfer.reason, Transfer.reference,
                    Transfer.memo, Transfer.id)
             .join(Transfer, Transfer.id == Entry.transfer_id).where(Entry.account_id == account.id))
    if start is not None:
        query = query.where(Entry.created_at >= start)
    if end is not None:
        query = query.where(Entry.created_at < end)
    rows = db.session.execute(query.order_by(Entry.id)).all()
    truncated = limit is not None and len(rows) > limit
    balance, lines = opening, []
    for entry_id, at, amount, reason, reference, memo, transfer_id in rows:
        balance += amount
        lines.append(Line(entry_id, at, amount, balance, reason, reference, memo, transfer_id))
    if truncated:
        lines = lines[-limit:]
    return Statement(account, start, end, opening, balance, lines, truncated)


def statement_csv(stmt: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["entry_id", "date_utc", "reason", "reference", "memo", "minutes", "hours",
                     "balance_minutes", "balance_hours", "transfer_id"])
    writer.writerow(["", stmt.start.isoformat() if stmt.start else "", "opening_balance", "", "", "", "",
                     stmt.opening, clock(stmt.opening), ""])
    for line in stmt.lines:
        writer.writerow([line.entry_id, line.at.isoformat(timespec="seconds"), line.reason, line.reference,
                         _safe_cell(line.memo), line.amount, clock(line.amount), line.balance, clock(line.balance),
                         line.transfer_id])
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def entries_page(account: Account, *, before_id: int | None = None, limit: int = 50) -> list[tuple]:
    """Newest first, keyset pagination by entry id (for the API)."""
    query = (select(Entry.id, Entry.created_at, Entry.amount_minutes, Transfer.reason, Transfer.reference,
                    Transfer.id)
             .join(Transfer, Transfer.id == Entry.transfer_id).where(Entry.account_id == account.id))
    if before_id is not None:
        query = query.where(Entry.id < before_id)
    return db.session.execute(query.order_by(Entry.id.desc()).limit(limit)).all()


def all_accounts() -> list[Account]:
    return list(db.session.scalars(select(Account).order_by(Account.kind, Account.id)))

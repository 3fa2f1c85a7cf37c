from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import BigInteger, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

GENESIS_HASH = "0" * 64

# Entries and transfers are append-only. On PostgreSQL the database enforces it;
# the same SQL is run by migration 0003_timebank and, through the listeners
# below, by every `create_all` (tests, benchmarks).
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION timebank_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
    MESSAGE = 'time bank ' || TG_TABLE_NAME || ' are append-only: ' || TG_OP || ' refused';
END
$$;
"""
APPEND_ONLY_TRIGGER = (
    "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION timebank_append_only();"
)


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ONE_MICROSECOND = dt.timedelta(microseconds=1)


def epoch_us(moment: dt.datetime) -> int:
    """Exact microseconds since 1970 (no float rounding)."""
    return (moment - EPOCH) // ONE_MICROSECOND


def entry_hash(entry_id: int, prev_hash: str, transfer_id: int, account_id: int, amount: int,
               created_at: dt.datetime | int, reason: str, reference: str) -> str:
    """The tamper-evident hash of one entry, chained to the previous entry's hash.

    It covers the entry and what caused it (the transfer's reason and
    reference), so changing any of them, or removing or reordering entries,
    breaks the chain from that point on. `created_at` may be given as epoch
    microseconds (what `ledger check` reads from PostgreSQL).
    """
    stamp = created_at if isinstance(created_at, int) else epoch_us(created_at)
    payload = f"{entry_id}|{prev_hash}|{transfer_id}|{account_id}|{amount}|{stamp}|{reason}|{reference}"
    return hashlib.sha256(payload.encode()).hexdigest()


class Entry(Base):
    """One signed amount of minutes on one account, as part of a transfer.

    Ids are assigned by the ledger under the ledger-head lock (not by a
    sequence), so they are contiguous and in chain order.
    """

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=False)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    amount_minutes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<Entry {self.id} account={self.account_id} {self.amount_minutes:+d}>"


def install_append_only(table_name: str):
    def listener(target, connection, **kw):
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(APPEND_ONLY_FUNCTION)
            connection.exec_driver_sql(APPEND_ONLY_TRIGGER.format(table=table_name))

    return listener


event.listen(Entry.__table__, "after_create", install_append_only("entries"))

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .entry import GENESIS_HASH


class LedgerHead(Base):
    """The single row (id 1) that holds the end of the entry hash chain.

    Writers lock it FOR UPDATE just before appending entries, which keeps the
    chain linear under concurrent transfers; `ledger check` also compares it
    with the last entry, so cutting entries off the end is noticed.
    """

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_entry_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)

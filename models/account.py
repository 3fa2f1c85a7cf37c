from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class AccountKind(enum.StrEnum):
    USER = "user"
    GROUP = "group"
    SYSTEM = "system"


# The city's issuance account: hours enter circulation from here (volunteering
# credited by the city, adjustments). Its floor is None: it may go as negative
# as the city decides, and its negative balance is exactly the hours in circulation.
ISSUANCE = "issuance"


class Account(Base):
    """A time-bank account: one per user, one per group, and system accounts.

    `balance` and `held` are caches: `balance` always equals the sum of the
    account's entries and `held` the sum of its open holds (both are verified
    by `flask ledger check`). `floor` is the credit limit: the balance never
    goes below it; None means unlimited (the issuance account).
    """

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN code IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
        CheckConstraint("held >= 0", name="held_not_negative"),
        # The last line of defence: the database itself refuses a balance below the floor.
        CheckConstraint("floor IS NULL OR balance >= floor", name="balance_above_floor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), unique=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    floor: Mapped[int | None] = mapped_column(Integer)
    balance: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def available(self) -> int:
        return self.balance - self.held

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.kind} balance={self.balance} held={self.held}>"

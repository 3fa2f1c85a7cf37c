from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class HoldStatus(enum.StrEnum):
    OPEN = "open"
    RELEASED = "released"
    SETTLED = "settled"


class Hold(Base):
    """Hours set aside for a booking: they lower the available balance until
    the hold is settled into a transfer or released. At most one open hold per
    reference."""

    __tablename__ = "holds"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        Index("uq_holds_open_reference", "reference", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    reference: Mapped[str] = mapped_column(String(120), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=HoldStatus.OPEN.value)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"))

    @property
    def is_open(self) -> bool:
        return self.status == HoldStatus.OPEN.value

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .entry import install_append_only


class TransferReason(enum.StrEnum):
    VOLUNTEERING = "volunteering"
    BOOKING_PAYMENT = "booking_payment"
    REFUND = "refund"
    GIFT = "gift"
    ADJUSTMENT = "adjustment"
    REVERSAL = "reversal"


class Transfer(Base):
    """One movement of hours: two or more entries that sum to zero.

    Never updated or deleted (a PostgreSQL trigger refuses it); a correction
    is a new transfer with reason `reversal` pointing at the original.
    """

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(24))
    # What caused it, e.g. "volunteer_log:12" or "booking:34".
    reference: Mapped[str] = mapped_column(String(120), default="", index=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A transfer is reversed at most once.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"), unique=True)

    entries: Mapped[list["Entry"]] = relationship(  # noqa: F821
        order_by="Entry.id", viewonly=True, lazy="selectin"
    )
    actor: Mapped["User | None"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Transfer {self.id} {self.reason} {self.reference!r}>"


event.listen(Transfer.__table__, "after_create", install_append_only("transfers"))

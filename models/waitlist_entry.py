"""A place in the queue for a sold-out occurrence or good."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class WaitlistStatus(enum.StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"      # seats are held for this entry until offer_expires_at
    ACCEPTED = "accepted"    # turned into a booking
    LAPSED = "lapsed"        # the offer ran out; it passed to the next in line
    LEFT = "left"            # the resident left the queue or declined the offer
    CANCELLED = "cancelled"  # the occurrence was cancelled


class WaitlistEntry(Base):
    """`active_key` is set while waiting or offered, so a resident holds one
    place per occurrence (unique with user_id; NULLs do not collide)."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "active_key", name="uq_waitlist_entries_user_active_key"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=WaitlistStatus.WAITING.value, index=True)
    active_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    offered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))

    user: Mapped["User"] = relationship()  # noqa: F821
    listing: Mapped["Listing"] = relationship()  # noqa: F821
    slot: Mapped["Slot | None"] = relationship()  # noqa: F821

    def close(self, status: WaitlistStatus) -> None:
        self.status = status.value
        self.active_key = None
        self.closed_at = utcnow()

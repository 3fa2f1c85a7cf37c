"""How a listing may be booked; a listing without a row uses the defaults."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

DEFAULT_MAX_PER_BOOKING = 4
DEFAULT_FREE_CANCEL_HOURS = 24


class BookingPolicy(Base):
    """Kept beside `listings` (keyed by listing_id) so the listing model stays lean."""

    __tablename__ = "booking_policies"
    __table_args__ = (
        CheckConstraint("max_per_booking >= 1", name="max_positive"),
        CheckConstraint("free_cancel_hours >= 0", name="cancel_hours_not_negative"),
    )

    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True)
    max_per_booking: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_PER_BOOKING)
    # False: one active booking per resident per occurrence (or per good).
    allow_multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # Free cancellation (with refund) until this many hours before the start.
    free_cancel_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_FREE_CANCEL_HOURS)

    @classmethod
    def defaults(cls, listing_id: int) -> BookingPolicy:
        return cls(listing_id=listing_id, max_per_booking=DEFAULT_MAX_PER_BOOKING, allow_multiple=False,
                   requires_approval=False, free_cancel_hours=DEFAULT_FREE_CANCEL_HOURS)

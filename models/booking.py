"""A resident's booking of seats at an occurrence or of a quantity of a good."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .errors import TransitionRefused


class BookingStatus(enum.StrEnum):
    REQUESTED = "requested"
    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"


class PaymentMethod(enum.StrEnum):
    FREE = "free"
    STRIPE = "stripe"
    HOURS = "hours"


S = BookingStatus

BOOKING_TRANSITIONS: dict[BookingStatus, set[BookingStatus]] = {
    S.REQUESTED: {S.PENDING_PAYMENT, S.CONFIRMED, S.CANCELLED},
    S.PENDING_PAYMENT: {S.CONFIRMED, S.EXPIRED, S.CANCELLED},
    S.CONFIRMED: {S.ATTENDED, S.NO_SHOW, S.CANCELLED},
    # A payment that completes after its hold expired (the resident paid at
    # minute 16) confirms the booking again when seats are still free.
    S.EXPIRED: {S.CONFIRMED},
    S.CANCELLED: {S.REFUNDED},
    S.ATTENDED: set(),
    S.NO_SHOW: set(),
    S.REFUNDED: set(),
}

# Statuses whose seats (or stock) are counted in slots.reserved / taken from stock.
HOLDS_SEATS = frozenset({S.REQUESTED, S.PENDING_PAYMENT, S.CONFIRMED, S.ATTENDED, S.NO_SHOW})
# Statuses that count as "the resident has this booking" for the one-per-occurrence rule.
ACTIVE = frozenset({S.REQUESTED, S.PENDING_PAYMENT, S.CONFIRMED})

# The column that records when the booking entered each status.
STATUS_TIMESTAMPS = {
    S.REQUESTED: "requested_at", S.PENDING_PAYMENT: "pending_at", S.CONFIRMED: "confirmed_at",
    S.ATTENDED: "attended_at", S.NO_SHOW: "no_show_at", S.CANCELLED: "cancelled_at",
    S.EXPIRED: "expired_at", S.REFUNDED: "refunded_at",
}


class Booking(Base):
    """Seats at a slot (events, services) or a quantity of a good.

    `occurrence_lock` is set while the booking is active and the listing
    allows one booking per resident per occurrence; the unique constraint on
    (user_id, occurrence_lock) then refuses a second one even under races
    (NULLs never collide, so inactive bookings and listings that allow several
    bookings are not constrained). `idempotency_key` makes a double submit
    return the first booking.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_bookings_user_idempotency_key"),
        UniqueConstraint("user_id", "occurrence_lock", name="uq_bookings_user_occurrence_lock"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    payment_method: Mapped[str] = mapped_column(String(16), default=PaymentMethod.FREE.value)
    amount_minor: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_minutes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=S.CONFIRMED.value, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    occurrence_lock: Mapped[str | None] = mapped_column(String(40))
    # When an unpaid hold lapses (pending_payment only).
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    pending_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    no_show_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    expired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    refunded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped["User"] = relationship()  # noqa: F821
    listing: Mapped["Listing"] = relationship()  # noqa: F821
    slot: Mapped["Slot | None"] = relationship()  # noqa: F821
    payment: Mapped["Payment | None"] = relationship(back_populates="booking", uselist=False)  # noqa: F821

    @property
    def state(self) -> BookingStatus:
        return BookingStatus(self.status)

    @property
    def holds_seats(self) -> bool:
        return self.state in HOLDS_SEATS

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE

    @property
    def starts_at(self) -> dt.datetime | None:
        return self.slot.starts_at if self.slot is not None else None

    def can_become(self, new: BookingStatus | str) -> bool:
        return BookingStatus(new) in BOOKING_TRANSITIONS[self.state]

    def transition_to(self, new: BookingStatus | str, reason: str = "", *, at: dt.datetime | None = None) -> None:
        """Move to `new` if the state machine allows it, stamping the time."""
        new = BookingStatus(new)
        if not self.can_become(new):
            raise TransitionRefused("booking", self.status, new.value)
        self.status = new.value
        if reason:
            self.status_reason = reason
        setattr(self, STATUS_TIMESTAMPS[new], at or utcnow())
        if new not in ACTIVE:
            self.occurrence_lock = None
        if new is not S.PENDING_PAYMENT:
            self.expires_at = None

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.status} x{self.quantity}>"

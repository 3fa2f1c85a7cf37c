"""A money payment for one booking through a Stripe Checkout Session."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, UTCDateTime


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"            # committed before Stripe is called; waiting for the resident
    PAID = "paid"                  # a verified event or session lookup said so
    EXPIRED = "expired"            # the session expired unpaid
    REFUND_PENDING = "refund_pending"  # refund asked for, Stripe has not confirmed yet
    REFUNDED = "refunded"          # Stripe confirmed the refund


class Payment(TimestampMixin, Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default=PaymentStatus.PENDING.value, index=True)
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    refund_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str] = mapped_column(Text, default="")
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    refunded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    booking: Mapped["Booking"] = relationship(back_populates="payment")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Payment {self.id} {self.status} {self.amount_minor} {self.currency}>"

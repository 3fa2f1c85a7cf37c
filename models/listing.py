from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, UTCDateTime
from .enums import ListingKind, ListingStatus
from .errors import TransitionRefused

L = ListingStatus

LISTING_TRANSITIONS: dict[ListingStatus, set[ListingStatus]] = {
    L.DRAFT: {L.PENDING_REVIEW, L.PUBLISHED, L.ARCHIVED},
    L.PENDING_REVIEW: {L.PUBLISHED, L.REJECTED, L.DRAFT},
    L.PUBLISHED: {L.ARCHIVED, L.HIDDEN, L.DRAFT},
    L.HIDDEN: {L.PUBLISHED, L.REJECTED, L.ARCHIVED},
    L.REJECTED: {L.DRAFT, L.PUBLISHED},
    L.ARCHIVED: {L.DRAFT},
}


class Listing(TimestampMixin, Base):
    """A good, service or event produced under a pact.

    Money is in integer minor units (cents, bani) and hours in integer
    minutes; a listing with neither is free.
    """

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("price_minor IS NULL OR price_minor >= 0", name="price_not_negative"),
        CheckConstraint("price_minutes IS NULL OR price_minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=ListingKind.GOOD.value)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(32), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default=L.DRAFT.value, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    price_minor: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(String(3))
    price_minutes: Mapped[int | None] = mapped_column(Integer)
    # Goods carry a stock; events and services carry slots instead.
    stock: Mapped[int | None] = mapped_column(Integer)
    # Goods: where and when to pick them up. Services: booked by slot, or on request.
    pickup_place: Mapped[str | None] = mapped_column(String(255))
    pickup_hours: Mapped[str | None] = mapped_column(String(255))
    on_request: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Location override; when empty the pact's commons is the place.
    address: Mapped[str | None] = mapped_column(String(255))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    group: Mapped["Group"] = relationship(back_populates="listings")  # noqa: F821
    pact: Mapped["Pact"] = relationship(back_populates="listings")  # noqa: F821
    slots: Mapped[list["Slot"]] = relationship(  # noqa: F821
        back_populates="listing", cascade="all, delete-orphan", order_by="Slot.starts_at"
    )
    photos: Mapped[list["ListingPhoto"]] = relationship(  # noqa: F821
        back_populates="listing", cascade="all, delete-orphan", order_by="ListingPhoto.position"
    )

    @property
    def is_free(self) -> bool:
        return not self.price_minor and not self.price_minutes

    @property
    def accepts_money(self) -> bool:
        return bool(self.price_minor)

    @property
    def accepts_hours(self) -> bool:
        return bool(self.price_minutes)

    @property
    def place(self) -> tuple[str, float | None, float | None]:
        """Address and coordinates, falling back to the pact's commons."""
        commons = self.pact.commons
        return (
            self.address or commons.address,
            self.latitude if self.latitude is not None else commons.latitude,
            self.longitude if self.longitude is not None else commons.longitude,
        )

    def transition_to(self, new: ListingStatus | str, reason: str = "") -> None:
        new = ListingStatus(new)
        current = ListingStatus(self.status)
        if new not in LISTING_TRANSITIONS[current]:
            raise TransitionRefused("listing", current.value, new.value)
        self.status = new.value
        self.status_reason = reason

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.kind} {self.status}>"

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, UTCDateTime


class VolunteerStatus(enum.StrEnum):
    PENDING = "pending"        # logged by a coordinator, waiting for the volunteer
    CONFIRMED = "confirmed"    # the volunteer agreed; hours credited
    DISPUTED = "disputed"      # the volunteer disagreed; moderators decide
    APPROVED = "approved"      # a moderator credited it (maybe with other minutes)
    REJECTED = "rejected"      # a moderator decided no hours are due


class FundingSource(enum.StrEnum):
    ISSUANCE = "issuance"
    GROUP = "group"


class VolunteerLog(TimestampMixin, Base):
    """Volunteer time a coordinator logged for a person under one of the group's pacts."""

    __tablename__ = "volunteer_logs"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Volunteers logged together (an event) share a batch key.
    batch: Mapped[str] = mapped_column(String(32), default="")
    activity: Mapped[str] = mapped_column(Text)
    worked_on: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    # Where the hours come from, fixed when logged (the pact's setting then).
    funding: Mapped[str] = mapped_column(String(16), default=FundingSource.ISSUANCE.value)
    status: Mapped[str] = mapped_column(String(16), default=VolunteerStatus.PENDING.value, index=True)
    dispute_reason: Mapped[str] = mapped_column(Text, default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    credited_minutes: Mapped[int | None] = mapped_column(Integer)
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"), unique=True)

    group: Mapped["Group"] = relationship()  # noqa: F821
    pact: Mapped["Pact"] = relationship()  # noqa: F821
    volunteer: Mapped["User"] = relationship(foreign_keys=[volunteer_id])  # noqa: F821
    logged_by: Mapped["User | None"] = relationship(foreign_keys=[logged_by_id])  # noqa: F821

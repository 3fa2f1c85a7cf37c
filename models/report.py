from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    UNSAFE = "unsafe"
    NOT_FROM_PACT = "not_from_pact"
    WRONG_INFORMATION = "wrong_information"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    # The moderator agreed with the report (the listing was hidden or rejected).
    RESOLVED = "resolved"
    # The moderator found nothing wrong.
    DISMISSED = "dismissed"


REPORT_DETAILS_MAX = 1000


class Report(Base):
    """A resident's flag on a listing. One per resident per listing, ever:
    a dismissed report is not re-opened by reporting again."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("listing_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason_code: Mapped[str] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.OPEN.value, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution_note: Mapped[str] = mapped_column(Text, default="")

    listing: Mapped["Listing"] = relationship()  # noqa: F821
    reporter: Mapped["User"] = relationship(foreign_keys=[reporter_id])  # noqa: F821
    closed_by: Mapped["User | None"] = relationship(foreign_keys=[closed_by_id])  # noqa: F821

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN.value

    def __repr__(self) -> str:
        return f"<Report {self.id} listing={self.listing_id} {self.reason_code} {self.status}>"

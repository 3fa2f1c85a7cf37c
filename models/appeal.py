from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    # The moderator kept the decision.
    UPHELD = "upheld"
    # The moderator reversed it and the listing is published again.
    RESTORED = "restored"


APPEAL_MESSAGE_MAX = 2000


class Appeal(Base):
    """The group's request to reconsider a rejection or hiding. The unique
    `action_id` makes it once per decision."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_actions.id"), unique=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=AppealStatus.OPEN.value, index=True)
    # A different moderator from the one who decided, whenever there is one.
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    action: Mapped["ModerationAction"] = relationship()  # noqa: F821
    listing: Mapped["Listing"] = relationship()  # noqa: F821
    appellant: Mapped["User"] = relationship(foreign_keys=[appellant_id])  # noqa: F821
    assigned_to: Mapped["User | None"] = relationship(foreign_keys=[assigned_to_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.OPEN.value

    def __repr__(self) -> str:
        return f"<Appeal {self.id} action={self.action_id} {self.status}>"

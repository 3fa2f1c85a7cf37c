from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class ModerationKind(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    REQUEST_CHANGES = "request_changes"
    RESTORE = "restore"
    # Hidden automatically when the open reports reach the threshold (no actor).
    AUTO_HIDE = "auto_hide"
    APPEAL_UPHELD = "appeal_upheld"
    APPEAL_RESTORED = "appeal_restored"
    SUSPEND_USER = "suspend_user"
    UNSUSPEND_USER = "unsuspend_user"


# Decisions the group may appeal, once each.
APPEALABLE = frozenset({ModerationKind.REJECT, ModerationKind.HIDE, ModerationKind.AUTO_HIDE})


class ModerationReason(enum.StrEnum):
    """Reason codes for rejecting or hiding a listing (and suspending a user)."""

    SPAM = "spam"
    OFFENSIVE = "offensive"
    UNSAFE = "unsafe"
    NOT_FROM_PACT = "not_from_pact"
    WRONG_INFORMATION = "wrong_information"
    INCOMPLETE = "incomplete"
    OTHER = "other"


# The fields a moderator reviews; a snapshot of them is kept with each
# decision so the next review can show what changed since.
REVIEWABLE_FIELDS = ("title", "description", "category", "kind", "price_minor", "currency",
                     "price_minutes", "address", "latitude", "longitude", "pickup_place", "pickup_hours")


def snapshot_of(listing) -> dict:
    return {name: getattr(listing, name, None) for name in REVIEWABLE_FIELDS}


class ModerationAction(Base):
    """One decision of the city on a listing or a user: what, by whom, why,
    and (for listings) what the listing looked like when it was decided."""

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # None when the site acted by itself (the report threshold).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str] = mapped_column(String(16), default="")
    to_status: Mapped[str] = mapped_column(String(16), default="")
    reason_code: Mapped[str] = mapped_column(String(32), default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    target_user: Mapped["User | None"] = relationship(foreign_keys=[target_user_id])  # noqa: F821
    listing: Mapped["Listing | None"] = relationship()  # noqa: F821

    @property
    def is_appealable_kind(self) -> bool:
        return self.kind in APPEALABLE

    def __repr__(self) -> str:
        return f"<ModerationAction {self.id} {self.kind} listing={self.listing_id} user={self.target_user_id}>"

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin
from .enums import GroupRole


class Membership(TimestampMixin, Base):
    """A user's role in one group: coordinator or member."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=GroupRole.MEMBER.value)

    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821
    group: Mapped["Group"] = relationship(back_populates="memberships")  # noqa: F821

    @property
    def is_coordinator(self) -> bool:
        return self.role == GroupRole.COORDINATOR.value

from __future__ import annotations

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin


class Group(TimestampMixin, Base):
    """A community group that cares for commons under one or more pacts."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # New groups have their listings reviewed by the city before publishing.
    listings_need_review: Mapped[bool] = mapped_column(Boolean, default=True)

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="group", cascade="all, delete-orphan"
    )
    listings: Mapped[list["Listing"]] = relationship(back_populates="group")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Group {self.slug}>"

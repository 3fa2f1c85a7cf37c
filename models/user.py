from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, UTCDateTime
from .enums import SiteRole, UserStatus


def normalise_email(email: str) -> str:
    """One spelling per address: trimmed and lower-cased (local parts are
    case-insensitive in practice for every provider our residents use)."""
    return (email or "").strip().lower()


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=UserStatus.ACTIVE.value)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list["UserRole"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def site_roles(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, role: SiteRole | str) -> bool:
        return str(role) in self.site_roles

    @property
    def is_active_account(self) -> bool:
        return self.status == UserStatus.ACTIVE.value

    # The four attributes Flask-Login expects, without importing Flask here.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE.value

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


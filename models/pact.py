from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin
from .enums import PactKind, PactStatus
from .errors import TransitionRefused
from .pact_group import pact_groups

S = PactStatus

# Who may move a pact where. Only the city moves a pact past `submitted`;
# `expired` is never set by a person (see effective_status).
PACT_TRANSITIONS: dict[PactStatus, set[PactStatus]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.UNDER_REVIEW, S.DRAFT, S.REJECTED},
    S.UNDER_REVIEW: {S.ACTIVE, S.REJECTED, S.DRAFT},
    S.ACTIVE: {S.TERMINATED, S.EXPIRED},
    S.EXPIRED: set(),
    S.TERMINATED: set(),
    S.REJECTED: set(),
}


class Pact(TimestampMixin, Base):
    """A pact of collaboration between the city and one or more groups."""

    __tablename__ = "pacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    commons_id: Mapped[int] = mapped_column(ForeignKey("commons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=PactKind.ORDINARY.value)
    city_office: Mapped[str] = mapped_column(String(160), default="")
    aims: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    group_commitments: Mapped[str] = mapped_column(Text, default="")
    city_commitments: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default=S.DRAFT.value, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")

    commons: Mapped["Commons"] = relationship(lazy="joined")  # noqa: F821
    groups: Mapped[list["Group"]] = relationship(secondary=pact_groups)  # noqa: F821
    listings: Mapped[list["Listing"]] = relationship(back_populates="pact")  # noqa: F821

    def effective_status(self, today: dt.date | None = None) -> PactStatus:
        """The status as the public sees it: an active pact past its end
        date is expired even before anyone (or `pacts expire`) writes it."""
        today = today or dt.date.today()
        status = PactStatus(self.status)
        if status is S.ACTIVE and self.end_date is not None and self.end_date < today:
            return S.EXPIRED
        return status

    def is_active(self, today: dt.date | None = None) -> bool:
        return self.effective_status(today) is S.ACTIVE

    def transition_to(self, new: PactStatus | str, reason: str = "") -> None:
        """Move to `new` if the state machine allows it, else raise and leave the row unchanged."""
        new = PactStatus(new)
        current = PactStatus(self.status)
        if new not in PACT_TRANSITIONS[current]:
            raise TransitionRefused("pact", current.value, new.value)
        self.status = new.value
        self.status_reason = reason

    def __repr__(self) -> str:
        return f"<Pact {self.id} {self.status}>"

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin
from .volunteer_log import FundingSource


class PactTimebankSetting(TimestampMixin, Base):
    """Per-pact time-bank settings: who pays for volunteer hours logged under it."""

    __tablename__ = "pact_timebank_settings"

    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id", ondelete="CASCADE"), primary_key=True)
    funding: Mapped[str] = mapped_column(String(16), default=FundingSource.ISSUANCE.value)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

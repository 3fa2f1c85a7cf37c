from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table

from .base import Base

# The signatory groups of a pact (one or more).
pact_groups = Table(
    "pact_groups",
    Base.metadata,
    Column("pact_id", ForeignKey("pacts.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)

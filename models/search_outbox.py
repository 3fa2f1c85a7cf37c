from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class SearchOutbox(Base):
    """One pending change to a listing's search document.

    Written in the same transaction as the change (search/outbox.py hooks the
    session), so the index can never miss a committed change; a row is
    deleted only after the index commit that applied it. No foreign key: the
    row must outlive the listing it points to, so the indexer can delete the
    listing's document.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(Integer, index=True)
    # "upsert" or "delete"; informative only: the indexer re-reads the listing
    # and decides from the database what the document must be.
    op: Mapped[str] = mapped_column(String(8), default="upsert")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<SearchOutbox {self.id} listing={self.listing_id} {self.op}>"

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

MAX_PHOTOS_PER_LISTING = 6


class ListingPhoto(Base):
    """A re-encoded photo of a listing, stored on disk under random names.

    `token` names both files (`<token>-display.<ext>` and `<token>-thumb.<ext>`);
    nothing the uploader chose (file name, metadata) is kept.
    """

    __tablename__ = "listing_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))
    alt_text: Mapped[str] = mapped_column(String(250))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    listing: Mapped["Listing"] = relationship(back_populates="photos")  # noqa: F821

    def filename(self, size: str) -> str:
        ext = {"image/webp": "webp", "image/jpeg": "jpg", "image/png": "png"}[self.content_type]
        return f"{self.token}-{size}.{ext}"

"""The one rule for what the public may see.

A listing is public only when it is published, its pact is active (and not
past its end date, evaluated at query time so no batch job is needed) and
its author is not suspended. Pages, API, search, map and open data all use
`public_listings()`.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, or_, select

from .enums import ListingStatus, PactStatus, UserStatus
from .listing import Listing
from .pact import Pact
from .user import User


def active_pact_clause(today: dt.date | None = None):
    today = today or dt.date.today()
    return and_(
        Pact.status == PactStatus.ACTIVE.value,
        or_(Pact.end_date.is_(None), Pact.end_date >= today),
    )


def public_listings(today: dt.date | None = None) -> Select:
    """SELECT of public listings; add filters and ordering to it."""
    return (
        select(Listing)
        .join(Pact, Listing.pact_id == Pact.id)
        .outerjoin(User, Listing.created_by_id == User.id)
        .where(
            Listing.status == ListingStatus.PUBLISHED.value,
            active_pact_clause(today),
            or_(Listing.created_by_id.is_(None), User.status == UserStatus.ACTIVE.value),
        )
    )


def is_public(listing: Listing, today: dt.date | None = None) -> bool:
    """The same rule for one loaded listing."""
    author_ok = True
    if listing.created_by_id is not None:
        from sqlalchemy.orm import object_session

        author = object_session(listing).get(User, listing.created_by_id)
        author_ok = author is None or author.status == UserStatus.ACTIVE.value
    return (
        listing.status == ListingStatus.PUBLISHED.value
        and listing.pact.is_active(today)
        and author_ok
    )

"""Listing rows -> index documents, read with plain SQL (no ORM objects).

A listing gets a document only if it is public by models.visibility's rule
at the moment it is indexed; the pact's end date travels with it so that
expiry is also checked at query time (see schema.py).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import Commons, Group, Listing, ListingStatus, Pact, Slot, User, UserStatus, utcnow
from models.visibility import active_pact_clause

from .analyzers import detect_language, mark
from .schema import GEO_SCALE, NO_END_DAY

EPOCH = dt.date(1970, 1, 1)
HOURS_ONLY_OFFSET = 10**12  # hours-only listings sort after every money price
MAX_DATES = 60


def _columns():
    return (
        Listing.id, Listing.kind, Listing.title, Listing.description, Listing.category,
        Listing.group_id, Listing.price_minor, Listing.price_minutes, Listing.latitude,
        Listing.longitude, Listing.published_at, Listing.created_at, Pact.title.label("pact_title"),
        Pact.end_date, Commons.name.label("commons_name"), Commons.district,
        Commons.latitude.label("c_lat"), Commons.longitude.label("c_lon"),
        Group.name.label("group_name"),
    )


def public_rows_query(today: dt.date | None = None):
    """The rows worth a document: the same rule as models.visibility.public_listings()."""
    return (
        select(*_columns())
        .join(Pact, Listing.pact_id == Pact.id)
        .join(Commons, Pact.commons_id == Commons.id)
        .join(Group, Listing.group_id == Group.id)
        .outerjoin(User, Listing.created_by_id == User.id)
        .where(
            Listing.status == ListingStatus.PUBLISHED.value,
            active_pact_clause(today),
            or_(Listing.created_by_id.is_(None), User.status == UserStatus.ACTIVE.value),
        )
    )


def upcoming_dates(session: Session, listing_ids: Iterable[int] | None,
                   now: dt.datetime) -> dict[int, list[dt.datetime]]:
    """Start times of each listing's slots that have not started yet, soonest first."""
    query = select(Slot.listing_id, Slot.starts_at).where(Slot.starts_at >= now).order_by(
        Slot.listing_id, Slot.starts_at)
    if listing_ids is not None:
        query = query.where(Slot.listing_id.in_(list(listing_ids)))
    found: dict[int, list[dt.datetime]] = defaultdict(list)
    for listing_id, starts_at in session.execute(query):
        if len(found[listing_id]) < MAX_DATES:
            found[listing_id].append(starts_at)
    return found


def pricing_of(price_minor: int | None, price_minutes: int | None) -> str:
    money, hours = bool(price_minor), bool(price_minutes)
    if money and hours:
        return "money_hours"
    if money:
        return "money"
    if hours:
        return "hours"
    return "free"


def price_key(price_minor: int | None, price_minutes: int | None) -> int:
    """Sort key for "price": free first, then money price, then hours-only by minutes."""
    if price_minor:
        return int(price_minor)
    if price_minutes:
        return HOURS_ONLY_OFFSET + int(price_minutes)
    return 0


def to_document(row, dates: list[dt.datetime]) -> dict:
    lang = detect_language(f"{row.title}\n{row.description or ''}")
    lat = row.latitude if row.latitude is not None else row.c_lat
    lon = row.longitude if row.longitude is not None else row.c_lon
    pricing = pricing_of(row.price_minor, row.price_minutes)
    published = row.published_at or row.created_at
    # The title twice: its words weigh more than the description's.
    body = "\n".join(part for part in (row.title, row.title, row.description, row.group_name,
                                       row.pact_title, row.commons_name, row.district) if part)
    doc = {
        "id": str(row.id),
        "title": mark(lang, row.title or ""),
        "body": mark(lang, body),
        "lang": lang,
        "kind": row.kind,
        "category": row.category,
        "district": row.district or "",
        "group": str(row.group_id),
        "pricing": pricing,
        "flags": " ".join(pricing.split("_")),
        "next_at": int(dates[0].timestamp() // 60) if dates else 0,
        "published": int(published.timestamp()) if published else 0,
        "price": price_key(row.price_minor, row.price_minutes),
        "end_day": (row.end_date - EPOCH).days if row.end_date else NO_END_DAY,
        "has_geo": 0,
    }
    if dates:
        doc["dates"] = sorted({(d.date() - EPOCH).days for d in dates})
    if lat is not None and lon is not None:
        doc.update(lat=round(lat * GEO_SCALE), lon=round(lon * GEO_SCALE), has_geo=1)
    return doc


def documents_for(session: Session, listing_ids: Iterable[int], today: dt.date | None = None,
                  now: dt.datetime | None = None) -> dict[int, dict]:
    """Documents of the given listings that are public; missing ids are not public (or gone)."""
    ids = sorted(set(listing_ids))
    if not ids:
        return {}
    now = now or utcnow()
    docs = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        dates = upcoming_dates(session, chunk, now)
        for row in session.execute(public_rows_query(today).where(Listing.id.in_(chunk))):
            docs[row.id] = to_document(row, dates.get(row.id, []))
    return docs


def all_documents(session: Session, today: dt.date | None = None, now: dt.datetime | None = None,
                  batch: int = 2000) -> Iterator[dict]:
    """Every public listing's document, streamed in id order."""
    now = now or utcnow()
    dates = upcoming_dates(session, None, now)
    query = public_rows_query(today).order_by(Listing.id).execution_options(yield_per=batch)
    for row in session.execute(query):
        yield to_document(row, dates.get(row.id, []))


def count_public(session: Session, today: dt.date | None = None) -> int:
    from sqlalchemy import func

    sub = public_rows_query(today).with_only_columns(Listing.id).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def public_titles(session: Session, today: dt.date | None = None) -> dict[int, str]:
    """id -> title of every public listing."""
    query = public_rows_query(today).with_only_columns(Listing.id, Listing.title)
    return {row.id: row.title for row in session.execute(query)}


__all__ = ["all_documents", "count_public", "documents_for", "public_titles", "public_rows_query"]

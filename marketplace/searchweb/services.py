"""Search for the page and the API: ask the index for ids, load the rows
from SQL through the public-listings rule (so a listing that stopped being
public a moment ago is never shown, even if its document lags), add
snippets and facet labels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Group, Listing
from models.visibility import public_listings
from search import SearchParams, SearchResult, search
from search.highlight import snippet

from ..extensions import db
from ..search_integration import handle, poll_outbox

KIND_LABELS = {"good": _l("Goods"), "service": _l("Services"), "event": _l("Events")}
PRICING_LABELS = {"free": _l("Free"), "money": _l("Money"), "hours": _l("Time-bank hours")}
SORT_LABELS = {"relevance": _l("Best match"), "soonest": _l("Soonest"), "newest": _l("Newest"),
               "price": _l("Price"), "distance": _l("Distance")}
FACET_TITLES = {"kind": _l("Kind"), "category": _l("Category"), "district": _l("District"),
                "pricing": _l("Price"), "group": _l("Group")}


def category_labels() -> dict:
    try:
        from ..listings.forms import CATEGORY_LABELS
    except ImportError:  # the listings forms are optional for search
        return {}
    return CATEGORY_LABELS


@dataclass
class Item:
    listing: Listing
    snippet: list[tuple[str, bool]]
    title_pieces: list[tuple[str, bool]]
    distance_km: float | None = None


@dataclass
class Page:
    params: SearchParams
    result: SearchResult
    items: list[Item] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=dict)


def facet_label(name: str, value: str, groups: dict[int, str]) -> str:
    if name == "kind":
        return str(KIND_LABELS.get(value, value))
    if name == "category":
        return str(category_labels().get(value, value.replace("_", " ").capitalize()))
    if name == "pricing":
        return str(PRICING_LABELS.get(value, value))
    if name == "group":
        return groups.get(int(value), value) if value.isdigit() else value
    return value


def run_search(params: SearchParams) -> Page:
    """Search and load the page's listings. Raises search.QueryTooLong."""
    poll_outbox()
    result = search(handle(), params)
    ids = [hit.id for hit in result.hits]
    rows = {}
    if ids:
        query = public_listings().where(Listing.id.in_(ids)).options(
            joinedload(Listing.group), joinedload(Listing.pact))
        rows = {listing.id: listing for listing in db.session.scalars(query).unique()}
    page = Page(params=params, result=result)
    for hit in result.hits:
        listing = rows.get(hit.id)
        if listing is None:
            continue  # no longer public; its document is on its way out
        page.items.append(Item(
            listing=listing,
            snippet=snippet(listing.description, result.terms, hit.lang),
            title_pieces=snippet(listing.title, result.terms, hit.lang, window=200),
            distance_km=hit.distance_km,
        ))
    group_ids = [int(v) for v, _ in result.facets.get("group", []) if v.isdigit()]
    groups = dict(db.session.execute(select(Group.id, Group.name).where(Group.id.in_(group_ids))).all()) \
        if group_ids else {}
    for name, values in result.facets.items():
        page.facets[name] = [{"value": value, "count": count, "label": facet_label(name, value, groups)}
                             for value, count in values]
    return page

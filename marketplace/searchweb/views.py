"""GET /search (page), GET /api/v1/search and /api/v1/search/suggest (JSON)."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from models import LISTING_CATEGORIES
from search import QueryTooLong, suggest
from search.analyzers import fold
from search.query import MAX_QUERY_LENGTH, clean

from ..http_errors import error_response
from ..search_integration import handle
from .params import parse_args
from .services import FACET_TITLES, KIND_LABELS, PRICING_LABELS, SORT_LABELS, category_labels, run_search

bp = Blueprint("search", __name__)
api_bp = Blueprint("search_api", __name__, url_prefix="/api/v1")

FILTER_ARGS = ("q", "kind", "category", "district", "group", "pricing", "free", "hours", "from", "to",
               "lat", "lon", "km", "sort", "per_page")


def _too_long_message() -> str:
    return _("Your search is too long: use at most %(n)d characters.", n=MAX_QUERY_LENGTH)


def _current_args() -> dict:
    return {k: v for k, v in request.args.items() if k in FILTER_ARGS and v not in ("", None)}


def url_with(**changes) -> str:
    """This search's URL with some arguments changed (None removes one); back to page 1."""
    args = _current_args()
    for key, value in changes.items():
        key = key.rstrip("_")
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for("search.index", **args)


@bp.get("/search")
def index():
    params, errors = parse_args(request.args)
    page = None
    if "q" not in errors:
        try:
            page = run_search(params)
        except QueryTooLong:
            errors["q"] = [_too_long_message()]
    status = 422 if errors else 200
    return render_template(
        "search/index.html", page=page, params=params, errors=errors, url_with=url_with,
        raw_q=clean(request.args.get("q"))[:MAX_QUERY_LENGTH], facet_titles=FACET_TITLES,
        kind_labels=KIND_LABELS, pricing_labels=PRICING_LABELS, sort_labels=SORT_LABELS,
        categories=[(c, category_labels().get(c, c.replace("_", " ").capitalize())) for c in LISTING_CATEGORIES],
    ), status


def _item_json(item) -> dict:
    listing = item.listing
    return {
        "id": listing.id,
        "title": listing.title,
        "kind": listing.kind,
        "category": listing.category,
        "group": {"id": listing.group_id, "name": listing.group.name},
        "district": listing.pact.commons.district,
        "free": listing.is_free,
        "price_minor": listing.price_minor,
        "currency": listing.currency,
        "price_minutes": listing.price_minutes,
        "distance_km": item.distance_km,
        "snippet": "".join(text for text, _match in item.snippet),
        "highlights": [{"text": text, "match": match} for text, match in item.snippet],
        "url": url_for("listings.detail", listing_id=listing.id),
    }


@api_bp.get("/search")
def api_search():
    params, errors = parse_args(request.args)
    if errors:
        code = "query_too_long" if "q" in errors else "validation_failed"
        message = _too_long_message() if "q" in errors else None
        return error_response(422, message, code, errors)
    try:
        page = run_search(params)
    except QueryTooLong:
        return error_response(422, _too_long_message(), "query_too_long", {"q": [_too_long_message()]})
    result = page.result
    return jsonify({
        "query": params.q,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "sort": params.sort,
        "did_you_mean": result.did_you_mean,
        "fuzzy": result.fuzzy,
        "results": [_item_json(item) for item in page.items],
        "facets": page.facets,
    })


@api_bp.get("/search/suggest")
def api_suggest():
    text = clean(request.args.get("q"))
    if len(text) > MAX_QUERY_LENGTH:
        return error_response(422, _too_long_message(), "query_too_long", {"q": [_too_long_message()]})
    titles = suggest(handle(), text) if text else []
    folded = fold(text)
    categories = []
    if len(folded) >= 2:
        for value in LISTING_CATEGORIES:
            label = str(category_labels().get(value, value.replace("_", " ").capitalize()))
            if any(word.startswith(folded) for word in fold(label).split()) or value.startswith(folded):
                categories.append({"value": value, "label": label})
    return jsonify({"query": text, "titles": titles, "categories": categories})

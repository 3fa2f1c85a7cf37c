"""Run a search: filters, facets, sorts, paging, fuzzy retry, "did you mean".

Returns listing ids in order (plus the stored title); the web layer loads
the rows from SQL through the public-listings rule and renders them.
"""
from __future__ import annotations

import datetime as dt
import heapq
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.support.levenshtein import distance

from . import docsets
from .analyzers import WORD_RE, fold, query_variants
from .engine import EPOCH, IndexHandle
from .query import TEXT_FIELDS, ParsedQuery, clean, parse, text_query
from .schema import GEO_SCALE

SORTS = ("relevance", "soonest", "newest", "price", "distance")
MAX_PER_PAGE = 50
MAX_RESULTS_WINDOW = 10_000  # deepest result reachable by paging
FEW_HITS = 3
EARTH_KM = 6371.0088
_MARK_RE = re.compile(r"^\x01[a-z]{2}\x01")


@dataclass
class SearchParams:
    q: str = ""
    kind: str | None = None
    category: str | None = None
    district: str | None = None
    group: str | None = None  # group id, as a string
    pricing: str | None = None  # free | money | hours
    free_only: bool = False
    accepts_hours: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    near: tuple[float, float] | None = None  # (lat, lon)
    within_km: float | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True
    spelling: bool = True
    today: dt.date | None = None
    now: dt.datetime | None = None


@dataclass
class Hit:
    id: int
    title: str
    lang: str
    score: float | None = None
    distance_km: float | None = None


@dataclass
class SearchResult:
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20
    did_you_mean: str | None = None
    fuzzy: bool = False
    terms: set[str] = field(default_factory=set)
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_RESULTS_WINDOW)
        return max(1, math.ceil(reachable / self.per_page))


def display_title(stored: str | None) -> str:
    return _MARK_RE.sub("", stored or "")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def normalise(params: SearchParams) -> SearchParams:
    params.per_page = max(1, min(int(params.per_page or 20), MAX_PER_PAGE))
    last_page = max(1, MAX_RESULTS_WINDOW // params.per_page)
    params.page = max(1, min(int(params.page or 1), last_page))
    if params.sort not in SORTS or (params.sort == "distance" and params.near is None):
        params.sort = "relevance"
    return params


def filter_queries(params: SearchParams) -> list[wq.Query]:
    """Index-side filters (they narrow matching; they never add to scores)."""
    filters: list[wq.Query] = []
    for name in ("kind", "category", "district", "group"):
        value = getattr(params, name)
        if value:
            filters.append(wq.Term(name, str(value)))
    if params.pricing in ("free", "money", "hours"):
        filters.append(wq.Term("flags", params.pricing))
    if params.free_only:
        filters.append(wq.Term("flags", "free"))
    if params.accepts_hours:
        filters.append(wq.Term("flags", "hours"))
    if params.date_from or params.date_to:
        start = (params.date_from - EPOCH).days if params.date_from else None
        end = (params.date_to - EPOCH).days if params.date_to else None
        filters.append(wq.NumericRange("dates", start, end))
    return filters


def _combine(base: wq.Query | None, filters: list[wq.Query]) -> wq.Query:
    if not filters:
        return base if base is not None else wq.Every()
    if base is None:
        return filters[0] if len(filters) == 1 else wq.And(filters)
    # Not wq.Require: its matcher trips an assertion in whoosh-reloaded 2.7.5
    # when block-quality skipping is on. Filter terms add the same constant
    # to every hit's score, so the ranking is unchanged.
    return wq.And([base, *filters])


def _within(columns, docs: list[int], lat: float, lon: float, km: float) -> list[int]:
    """Bounding box on the scaled integer columns first, then the exact distance."""
    dlat = km / 111.0
    dlon = km / max(111.32 * math.cos(math.radians(lat)), 0.01)
    lat_lo, lat_hi = round((lat - dlat) * GEO_SCALE), round((lat + dlat) * GEO_SCALE)
    lon_lo, lon_hi = round((lon - dlon) * GEO_SCALE), round((lon + dlon) * GEO_SCALE)
    lats, lons, has_geo = columns["lat"], columns["lon"], columns["has_geo"]
    boxed = [d for d in docs if has_geo[d] and lat_lo <= lats[d] <= lat_hi and lon_lo <= lons[d] <= lon_hi]
    return [d for d in boxed if _distance(columns, d, lat, lon) <= km]


def _distance(columns, docnum: int, lat: float, lon: float) -> float:
    if not columns["has_geo"][docnum]:
        return math.inf
    return haversine_km(lat, lon, columns["lat"][docnum] / GEO_SCALE, columns["lon"][docnum] / GEO_SCALE)


def facet_counts(columns, docs: list[int]) -> dict[str, list[tuple[str, int]]]:
    facets = {}
    for name in ("kind", "category", "district", "group"):
        values = columns[name]
        counts = Counter(map(values.__getitem__, docs))
        counts.pop("", None)
        facets[name] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    raw = Counter(map(columns["pricing"].__getitem__, docs))
    pricing = {
        "free": raw.get("free", 0),
        "money": raw.get("money", 0) + raw.get("money_hours", 0),
        "hours": raw.get("hours", 0) + raw.get("money_hours", 0),
    }
    facets["pricing"] = [(k, v) for k, v in pricing.items() if v]
    return facets


def _sort_key(params: SearchParams, columns, now_minutes: int):
    if params.sort == "soonest":
        next_at = columns["next_at"]
        return lambda d: (next_at[d] if next_at[d] >= now_minutes else math.inf, d)
    if params.sort == "newest":
        published = columns["published"]
        return lambda d: (-published[d], d)
    if params.sort == "price":
        price = columns["price"]
        return lambda d: (price[d], d)
    lat, lon = params.near
    return lambda d: (_distance(columns, d, lat, lon), d)


def _match(handle: IndexHandle, searcher, base, filters, mask):
    """Matching docnums (ascending) and, for the fast path, per-segment scoring data.

    The fast path (docsets.py: cached postings as sets) covers words, OR, NOT
    and every filter; phrases and prefixes go through Whoosh's matchers.
    """
    try:
        return docsets.match(handle.postings, searcher, base, filters, mask), True
    except docsets.Unsupported:
        q = _combine(base, filters)
        return ([d for d in searcher.docs_for_query(q) if d not in mask], None), False


def _execute(handle: IndexHandle, searcher, base, params: SearchParams, today: dt.date) -> SearchResult:
    columns = handle.columns(searcher)
    mask = handle.expired(searcher, today)
    filters = filter_queries(params)
    offset = (params.page - 1) * params.per_page
    result = SearchResult(page=params.page, per_page=params.per_page)
    geo = params.near is not None and params.within_km
    (docs, scoring), fast = _match(handle, searcher, base, filters, mask)
    if geo:
        docs = _within(columns, docs, params.near[0], params.near[1], params.within_km)
    result.total = len(docs)
    if params.facets:
        result.facets = facet_counts(columns, docs)
    if not docs:
        return result
    limit = offset + params.per_page
    if params.sort == "relevance" and base is not None:
        if fast:
            best = docsets.top_scored(searcher, scoring, docs, columns["_len_body"], limit)
            page = best[offset:limit]
        else:
            q = _combine(base, filters)
            allowed = set(docs) if geo else None
            hits = searcher.search(q, limit=limit, mask=mask or None, filter=allowed, terms=False)
            page = [(hit.docnum, hit.score) for hit in hits[offset:limit]]
    else:
        now = params.now or dt.datetime.now(dt.UTC)
        key = _sort_key(params, columns, int(now.timestamp() // 60)) if params.sort != "relevance" \
            else (lambda d: (-columns["published"][d], d))
        page = [(d, None) for d in heapq.nsmallest(limit, docs, key=key)[offset:limit]]
    for docnum, score in page:
        stored = searcher.stored_fields(docnum)
        hit = Hit(id=int(stored["id"]), title=display_title(stored.get("title")),
                  lang=stored.get("lang") or "xx", score=score)
        if params.near is not None:
            distance = _distance(columns, docnum, *params.near)
            hit.distance_km = None if math.isinf(distance) else round(distance, 2)
        result.hits.append(hit)
    return result


def _query_terms(reader, q) -> set[str]:
    terms = set()
    try:
        for fieldname, text in q.existing_terms(reader, expand=True):
            if fieldname in TEXT_FIELDS:
                terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    except Exception:  # noqa: BLE001 - highlighting is best effort, never a failed search
        pass
    return terms


def terms_within(reader, fieldname: str, text: str, maxdist: int, prefix: int) -> list[str]:
    """Whoosh's IndexReader.terms_within (same Damerau-Levenshtein distance,
    same prefix rule), minus the distance computation for words whose length
    alone puts them out of reach (most of them): ~5x fewer distance calls."""
    low, high = len(text) - maxdist, len(text) + maxdist
    fieldobj = reader.schema[fieldname]
    found = []
    for btext in reader.expand_prefix(fieldname, text[:prefix]):
        word = fieldobj.from_bytes(btext)
        if low <= len(word) <= high and distance(word, text, limit=maxdist) <= maxdist:
            found.append(word)
    return found


def _closest(reader, fieldname: str, word: str) -> str | None:
    """The most frequent indexed word within one or two edits of `word` (first two letters kept)."""
    maxdist = 1 if len(word) <= 5 else 2
    best, best_key = None, None
    for candidate in terms_within(reader, fieldname, word, maxdist, prefix=2):
        if candidate == word:
            continue
        key = (-reader.doc_frequency(fieldname, candidate), candidate)
        if best_key is None or key < best_key:
            best, best_key = candidate, key
    return best


def correction(searcher, parsed: ParsedQuery, original: str) -> str | None:
    """The query with unknown words replaced by the closest title words, or None.

    Suggestions come from the unstemmed copy of title words Whoosh keeps
    for spelling (`spell_title`), so they are real words, not stems.
    """
    reader = searcher.reader()
    fixes = {}
    for word in parsed.plain_words():
        known = any((f, v) in reader for v in query_variants(word) for f in TEXT_FIELDS)
        if known or len(word) < 4:
            continue
        suggestion = _closest(reader, "spell_title", word)
        if suggestion:
            fixes[word] = suggestion
    if not fixes:
        return None
    return WORD_RE.sub(lambda m: fixes.get(fold(m.group()), m.group()), clean(original))


def _fuzzy_candidates(reader):
    """word -> indexed terms within one or two edits, for the fuzzy retry (one DFA walk per word)."""
    def candidates(word: str) -> list[str]:
        maxdist = 1 if len(word) <= 5 else 2
        found = []
        for variant in query_variants(word)[:2]:
            if len(variant) > 3:  # the automaton needs more letters than the fixed prefix
                found.extend(terms_within(reader, "body", variant, maxdist, prefix=2))
        found = sorted(set(found), key=lambda t: -reader.doc_frequency("body", t))
        return found[:8]
    return candidates


def search(handle: IndexHandle, params: SearchParams) -> SearchResult:
    """Search the index. Raises query.QueryTooLong; otherwise never fails on input."""
    started = time.perf_counter()
    params = normalise(params)
    parsed = parse(params.q)
    today = params.today or dt.date.today()
    searcher = handle.searcher()
    reader = searcher.reader()
    base = text_query(reader, parsed)
    if base is wq.NullQuery:
        result = SearchResult(page=params.page, per_page=params.per_page)
        if params.facets:
            result.facets = {name: [] for name in ("kind", "category", "district", "group", "pricing")}
    else:
        result = _execute(handle, searcher, base, params, today)
    words = parsed.plain_words()
    if result.total == 0 and words:
        fuzzy_base = text_query(reader, parsed, fuzzy=_fuzzy_candidates(reader))
        if fuzzy_base is not wq.NullQuery:
            retry = _execute(handle, searcher, fuzzy_base, params, today)
            if retry.total:
                retry.fuzzy = True
                result, base = retry, fuzzy_base
    if params.spelling and words and result.total < FEW_HITS:
        result.did_you_mean = correction(searcher, parsed, params.q)
    if base is not None and base is not wq.NullQuery and result.hits:
        result.terms = _query_terms(reader, base)
    result.took_ms = (time.perf_counter() - started) * 1000
    return result


def suggest(handle: IndexHandle, text: str, limit: int = 8, today: dt.date | None = None) -> list[str]:
    """Titles matching what has been typed so far (the last word as a prefix)."""
    text = clean(text)[:100]
    words = [fold(w) for w in WORD_RE.findall(text)]
    if not words or len(words[-1]) < 2:
        return []
    searcher = handle.searcher()
    reader = searcher.reader()
    from .query import word_query

    parts = [word_query(reader, w) for w in words[:-1]]
    if any(p is wq.NullQuery for p in parts):
        return []
    parts.append(wq.Or([wq.Prefix("title", v) for v in query_variants(words[-1])]))
    q = parts[0] if len(parts) == 1 else wq.And(parts)
    mask = handle.expired(searcher, today or dt.date.today())
    titles: list[str] = []
    for hit in searcher.search(q, limit=limit * 2, mask=mask or None, terms=False):
        title = display_title(hit.get("title"))
        if title and title not in titles:
            titles.append(title)
        if len(titles) >= limit:
            break
    return titles


def is_query_too_long(text: str | None) -> bool:
    return len(clean(text)) > 500


__all__ = ["SORTS", "MAX_PER_PAGE", "Hit", "SearchParams", "SearchResult", "haversine_km", "search",
           "suggest", "display_title", "facet_counts"]

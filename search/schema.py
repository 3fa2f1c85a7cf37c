"""The index schema: what a listing document holds.

No field keeps positions: phrases are checked on `body`'s stored text
(search/docsets.py), which reads and writes far less than positions. The title and every
other name a resident may type (group, pact, commons, district) go into
`body`, so a word is looked up in one field, not six. Facet and sort
values live in columns (read once per index segment and cached, see
engine.py); numbers used only for sorting are column-only (not indexed).
Stored: the id, the title (suggestions, and a fallback when SQL lags), the
detected language (highlighting) and `body`'s text (phrase checks only).
Everything else the results page shows is loaded from SQL by id.

Visibility: only listings that are public when they are indexed
(published, pact active, author not suspended) get a document; a change that
hides one deletes its document through the outbox. The pact's end date is in
the `end_day` column so that a pact expiring overnight drops out of results
at query time, with no write at all.
"""
from __future__ import annotations

from whoosh import columns, fields

from . import whoosh_patches  # noqa: F401 - applied before any index is written or read
from .analyzers import ListingAnalyzer

# Bump when the schema changes: `search check` then asks for a rebuild.
SCHEMA_VERSION = 4

# Coordinates are indexed as integers (degrees * GEO_SCALE): whoosh-reloaded
# 2.7.5 cannot sort float NUMERIC fields, and ~1 m precision is plenty.
GEO_SCALE = 100_000
NO_END_DAY = 2**31 - 1  # pact without an end date


def build_schema() -> fields.Schema:
    text = ListingAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        # Matching and phrases use `body` alone (one positional field: half
        # the postings a query reads); it holds the title twice, which is
        # the title boost. `title` (no positions) serves suggestions and, via
        # its unstemmed spelling copy, "did you mean".
        title=fields.TEXT(analyzer=text, phrase=False, stored=True, spelling=True),
        # No positions: a posting block then holds docnums and frequencies
        # only, which decode ~6x faster than with positions and cost less to
        # write. Phrases are checked on the stored text (docsets.py).
        body=fields.TEXT(analyzer=text, phrase=False, stored=True),
        lang=fields.STORED(),
        # Facets: indexed for filtering, column for counting.
        kind=fields.ID(sortable=columns.RefBytesColumn()),
        category=fields.ID(sortable=columns.RefBytesColumn()),
        district=fields.ID(sortable=columns.RefBytesColumn()),
        group=fields.ID(sortable=columns.RefBytesColumn()),
        # One of free / money / hours / money_hours (single-valued, so it has
        # a column); `flags` holds the same as separate words for filtering.
        pricing=fields.ID(sortable=columns.RefBytesColumn()),
        flags=fields.KEYWORD(),
        # Days since 1970-01-01 of every upcoming occurrence (date filter).
        dates=fields.NUMERIC(int, bits=32, shift_step=8),
        # Sort keys, coordinates and the query-time expiry check: columns
        # only (not indexed: the geo filter reads the cached columns).
        lat=fields.COLUMN(columns.NumericColumn("i", default=0)),
        lon=fields.COLUMN(columns.NumericColumn("i", default=0)),
        next_at=fields.COLUMN(columns.NumericColumn("q", default=0)),
        published=fields.COLUMN(columns.NumericColumn("q", default=0)),
        price=fields.COLUMN(columns.NumericColumn("q", default=0)),
        end_day=fields.COLUMN(columns.NumericColumn("i", default=NO_END_DAY)),
        has_geo=fields.COLUMN(columns.NumericColumn("B", default=0)),
    )

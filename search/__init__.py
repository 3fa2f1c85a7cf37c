"""Full-text search over public listings (Whoosh), kept in step with SQL
through the `search_outbox` table. No Flask import anywhere in this package:
the web layer (marketplace/search_integration.py, marketplace/searchweb/)
passes it a session factory and the index directory.
"""
from .engine import IndexHandle, get_handle, open_index
from .indexer import check, drain, rebuild
from .outbox import register_outbox_hooks
from .query import MAX_QUERY_LENGTH, QueryTooLong
from .service import MAX_PER_PAGE, SORTS, SearchParams, SearchResult, search, suggest

__all__ = [
    "IndexHandle", "MAX_PER_PAGE", "MAX_QUERY_LENGTH", "QueryTooLong", "SORTS", "SearchParams",
    "SearchResult", "check", "drain", "get_handle", "open_index", "rebuild", "register_outbox_hooks",
    "search", "suggest",
]

"""One open index and searcher per process, reused and refreshed only when
the index changed, plus per-segment caches of the column values that facets,
filters and sorts read.

Whoosh is slow at reading a column value per document per query; here each
segment's columns are read once into Python lists (keyed by segment id, so
after a small commit only the new small segment is read again) and facet
counts are a Counter over a list lookup per matching document.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass

from whoosh import index as windex

from .docsets import PostingCache
from .schema import SCHEMA_VERSION, build_schema

FACET_FIELDS = ("kind", "category", "district", "group", "pricing")
NUMERIC_COLUMNS = ("next_at", "published", "price", "end_day", "has_geo", "lat", "lon")
LENGTH_FIELDS = ("body",)  # field lengths (BM25F), read once per segment like the columns
EPOCH = dt.date(1970, 1, 1)
VERSION_FILE = "commons-schema-version"


def index_exists(path: str) -> bool:
    return os.path.isdir(path) and windex.exists_in(path)


def schema_version(path: str) -> int | None:
    try:
        with open(os.path.join(path, VERSION_FILE)) as fh:
            return int(fh.read().strip())
    except (OSError, ValueError):
        return None


def create_index(path: str):
    os.makedirs(path, exist_ok=True)
    ix = windex.create_in(path, build_schema())
    with open(os.path.join(path, VERSION_FILE), "w") as fh:
        fh.write(str(SCHEMA_VERSION))
    return ix


def open_index(path: str, create: bool = True):
    """Open the index at `path`, creating an empty one if allowed and missing."""
    if index_exists(path):
        return windex.open_dir(path)
    if not create:
        raise FileNotFoundError(f"no search index in {path}")
    return create_index(path)


@dataclass
class _SegmentColumns:
    values: dict[str, list]


class IndexHandle:
    """The process-wide view of one index directory."""

    def __init__(self, path: str):
        self.path = path
        self._lock = threading.RLock()
        self._ix = None
        self._searcher = None
        self._segments: dict[str, _SegmentColumns] = {}
        self._columns: dict[str, list] = {}
        self._columns_gen = None
        self._expired: tuple | None = None
        self.postings = PostingCache()

    def searcher(self):
        """The shared searcher, refreshed if a writer committed since (cheap check)."""
        with self._lock:
            if self._searcher is None:
                if self._ix is None:
                    self._ix = open_index(self.path)
                self._searcher = self._ix.searcher()
            elif not self._searcher.up_to_date():
                # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it reuses the
                # old reader of a segment whose deletions changed, so a deleted
                # document stays visible. A fresh searcher is a few ms.
                old, self._searcher = self._searcher, self._ix.searcher()
                old.close()
            return self._searcher

    def reset(self) -> None:
        """Forget everything (after a rebuild that recreated the directory)."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._ix = self._searcher = None
            self._segments.clear()
            self._columns = {}
            self._columns_gen = None
            self._expired = None
        self.postings.clear()

    def columns(self, searcher) -> dict[str, list]:
        """Global docnum -> value lists for every facet and numeric column."""
        with self._lock:
            gen = (searcher.ixreader.generation(), id(searcher))
            if self._columns_gen == gen:
                return self._columns
            merged: dict[str, list] = {name: [] for name in
                                       FACET_FIELDS + NUMERIC_COLUMNS + tuple(f"_len_{f}" for f in LENGTH_FIELDS)}
            live = set()
            for sub, _offset in searcher.subsearchers or [(searcher, 0)]:
                reader = sub.reader()
                segment = reader.segment() if hasattr(reader, "segment") else None
                key = segment.segment_id() if segment is not None else None
                cached = self._segments.get(key) if key else None
                if cached is None:
                    cached = _SegmentColumns(self._read_columns(reader))
                    if key:
                        self._segments[key] = cached
                if key:
                    live.add(key)
                for name, values in cached.values.items():
                    merged[name].extend(values)
            for key in list(self._segments):
                if key not in live:
                    del self._segments[key]
            self._columns = merged
            self._columns_gen = gen
            self._expired = None
            return merged

    @staticmethod
    def _read_columns(reader) -> dict[str, list]:
        count = reader.doc_count_all()
        values: dict[str, list] = {}
        for name in FACET_FIELDS:
            if reader.has_column(name):
                values[name] = [v.decode("utf-8") if isinstance(v, bytes) else v
                                for v in reader.column_reader(name)]
            else:
                values[name] = [""] * count
        for name in NUMERIC_COLUMNS:
            if reader.has_column(name):
                values[name] = list(reader.column_reader(name))
            else:
                values[name] = [0] * count
        for name in LENGTH_FIELDS:
            values[f"_len_{name}"] = [reader.doc_field_length(d, name, 1) for d in range(count)]
        return values

    def expired(self, searcher, today: dt.date) -> set[int]:
        """Docnums whose pact ended before `today` (checked at query time)."""
        columns = self.columns(searcher)
        day = (today - EPOCH).days
        with self._lock:
            if self._expired is not None and self._expired[0] == (self._columns_gen, day):
                return self._expired[1]
            ends = columns["end_day"]
            found = {docnum for docnum, end in enumerate(ends) if end < day}
            self._expired = ((self._columns_gen, day), found)
            return found


_HANDLES: dict[str, IndexHandle] = {}
_HANDLES_LOCK = threading.Lock()


def get_handle(path: str) -> IndexHandle:
    path = os.path.abspath(path)
    with _HANDLES_LOCK:
        handle = _HANDLES.get(path)
        if handle is None:
            handle = _HANDLES[path] = IndexHandle(path)
        return handle


def forget_handle(path: str) -> None:
    with _HANDLES_LOCK:
        handle = _HANDLES.pop(os.path.abspath(path), None)
    if handle is not None:
        handle.reset()

"""Targeted fixes to whoosh-reloaded 2.7.5 (frozen upstream), applied on import.

- W3PerDocReader._cached_reader does not remember that a field has no length
  column, so while postings are written it checks the file system once per
  posting of every untokenised field (ID, KEYWORD, NUMERIC): ~70k stat()
  calls per 2k documents. Remember the miss too.
"""
from __future__ import annotations

from whoosh.codec import whoosh3

_MISSING = object()


def _cached_reader(self, fieldname, column):
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
    return reader


whoosh3.W3PerDocReader._cached_reader = _cached_reader

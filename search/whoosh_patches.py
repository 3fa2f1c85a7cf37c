"""Targeted fixes to whoosh-reloaded 2.7.5 (frozen upstream), applied on import.

- W3PerDocReader._cached_reader does not remember that a field has no length
  column, so while postings are written it checks the file system once per
  posting of every untokenised field (ID, KEYWORD, NUMERIC): ~70k stat()
  calls per 2k documents. Remember the miss too.
- FieldWriter.add_postings looks up the document's field length once per
  posting written (~70 per listing, ~8 µs each through the column reader):
  read each field's lengths once into a list instead (~10 % of a build).
"""
from __future__ import annotations

from whoosh.codec import base, whoosh3

_MISSING = object()


def _cached_reader(self, fieldname, column):
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
    return reader


whoosh3.W3PerDocReader._cached_reader = _cached_reader


class _ListedLengths:
    """A lengths reader whose doc_field_length reads each field once into a list."""

    def __init__(self, lengths):
        self._lengths = lengths
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        values = self._fields.get(fieldname)
        if values is None:
            lookup = self._lengths.doc_field_length
            count = self._lengths.doc_count_all()
            values = self._fields[fieldname] = [lookup(d, fieldname, default) for d in range(count)]
        return values[docnum] if docnum < len(values) else self._lengths.doc_field_length(docnum, fieldname,
                                                                                          default)


_original_add_postings = base.FieldWriter.add_postings


def _add_postings(self, schema, lengths, items):
    if lengths is not None and hasattr(lengths, "doc_count_all"):
        lengths = _ListedLengths(lengths)
    return _original_add_postings(self, schema, lengths, items)


if getattr(base.FieldWriter.add_postings, "__name__", "") != "_add_postings":
    base.FieldWriter.add_postings = _add_postings

"""Matching with Python sets instead of Whoosh's matcher tree.

Whoosh's matchers walk posting lists one posting at a time in pure Python
(~1 µs per step) and the search used to walk them twice (an unscored pass for
the exact count and facets, a scored pass for the page). Here each term's
postings are decoded once per index segment into a dict {docnum: term
frequency} and kept in a size-bounded LRU; filter values (category, kind,
a date range...) become frozensets, kept the same way. A query is then
evaluated with C-level set operations (an AND of dict key views costs the
size of the smaller side), and BM25F (Whoosh's own formula, idf and average
length taken from the searcher) is computed for the matching documents only.

Cache entries are keyed by segment id, so after a commit only the new (small)
segment is read again; deletions are applied at query time from the segment
reader's deleted set. Everything is evaluated per segment; only the small
result is moved to global document numbers.

Supported query shapes are what query.py builds: Term, Prefix (expanded to
its terms, each scored like a word), Phrase (every word, then the order
checked on the stored text), Or, And, AndNot, Every, NullQuery, plus any
filter query. Anything else raises Unsupported and the caller falls back to
Whoosh's matchers.
"""
from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from itertools import accumulate, repeat

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

K1 = 1.2  # whoosh.scoring.BM25F defaults
B = 0.75
DEFAULT_BUDGET = 2_000_000  # cached postings per process (~40 bytes each)

_INTS: list[int] = []  # shared int objects used as dict keys (no per-posting int allocation)


def _ints(n: int) -> list[int]:
    if len(_INTS) < n:
        _INTS.extend(range(len(_INTS), n))
    return _INTS


class Unsupported(Exception):
    """The query holds a node this module does not evaluate (phrase, prefix...)."""


def _read_postings(reader, fieldname: str, text) -> tuple[list[int], list[float]]:
    """All (docnum, weight) postings of one term in one segment, deleted docs included."""
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return [], []
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child  # deletions are applied by the caller
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        # Whole blocks at a time, decoded at C speed (unpickle, then the
        # docnum deltas summed by itertools.accumulate), instead of one
        # Python call per posting. Block layout: whoosh3.W3FieldWriter._write_block.
        while True:
            matcher._read_data()
            deltas, block_weights = matcher._data[0], matcher._data[1]
            ids.extend(accumulate(deltas))
            if block_weights is None:
                weights.extend(repeat(1.0, len(deltas)))
            elif isinstance(block_weights, float):
                weights.extend(repeat(block_weights, len(deltas)))
            else:
                weights.extend(block_weights)
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
        return ids, weights
    while matcher.is_active():  # inline postings of rare terms, other codecs
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def contains_sequence(tokens: list[str], words: list[str]) -> bool:
    """True if `words` occur one after the other somewhere in `tokens`."""
    n = len(words)
    first = words[0]
    start = 0
    while True:
        try:
            i = tokens.index(first, start)
        except ValueError:
            return False
        if tokens[i:i + n] == words:
            return True
        start = i + 1


class PostingCache:
    """Per-process LRU of decoded postings and filter sets, keyed by segment."""

    def __init__(self, budget: int = DEFAULT_BUDGET):
        self.budget = budget
        self._entries: OrderedDict = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def _get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _put(self, key, value, size: int):
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self._size += size
                while self._size > self.budget and len(self._entries) > 1:
                    _old, evicted = self._entries.popitem(last=False)
                    self._size -= len(evicted)
            return self._entries[key]

    def term(self, leaf: Leaf, fieldname: str, text: str) -> dict[int, int]:
        key = (leaf.segment_id, "t", fieldname, text)
        entry = self._get(key) if leaf.segment_id else None
        if entry is None:
            ids, weights = _read_postings(leaf.reader, fieldname, text)
            keys = _ints(leaf.count)
            entry = dict(zip(map(keys.__getitem__, ids), map(int, weights), strict=True))
            if leaf.segment_id:
                entry = self._put(key, entry, len(entry))
        return entry

    def filter(self, leaf: Leaf, q: wq.Query) -> frozenset[int]:
        key = (leaf.segment_id, "f", repr(q))
        entry = self._get(key) if leaf.segment_id else None
        if entry is None:
            if isinstance(q, wq.Term):
                ids, _weights = _read_postings(leaf.reader, q.fieldname, q.text)
                entry = frozenset(map(_ints(leaf.count).__getitem__, ids))
            else:
                entry = frozenset(q.docs(leaf.searcher))
            if leaf.segment_id:
                entry = self._put(key, entry, len(entry))
        return entry


class Leaf:
    """One segment of the searcher: its reader, docnum offset and deleted docs."""

    __slots__ = ("searcher", "reader", "offset", "count", "segment_id", "deleted")

    def __init__(self, searcher, offset: int):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.count = self.reader.doc_count_all()
        segment = self.reader.segment() if hasattr(self.reader, "segment") else None
        self.segment_id = segment.segment_id() if segment is not None else None
        self.deleted = self.reader.deleted_docs_set if self.reader.has_deletions() else frozenset()


def leaves(searcher) -> list[Leaf]:
    return [Leaf(sub, offset) for sub, offset in (searcher.subsearchers or [(searcher, 0)])]


class _Evaluator:
    """Evaluates a query on one segment: matching docnums, and the scored terms."""

    def __init__(self, cache: PostingCache, leaf: Leaf):
        self.cache = cache
        self.leaf = leaf

    def docs(self, q):
        if isinstance(q, wq.Term):
            return self.cache.term(self.leaf, q.fieldname, q.text).keys()
        if isinstance(q, wq.Or):
            parts = [self.docs(sub) for sub in q.subqueries]
            return set().union(*parts) if len(parts) != 1 else parts[0]
        if isinstance(q, wq.And):
            parts = sorted((self.docs(sub) for sub in q.subqueries), key=len)
            if not parts:
                return frozenset()
            found = parts[0]
            for other in parts[1:]:
                if not found:
                    break
                found = found & other  # iterates the smaller side
            return found
        if isinstance(q, wq.AndNot):
            positive = self.docs(q.a)
            if not positive:
                return positive
            return set(positive).difference(self.docs(q.b))
        if isinstance(q, wq.Prefix):
            terms = self.prefix_terms(q)
            return set().union(*(self.cache.term(self.leaf, q.fieldname, t).keys() for t in terms))
        if isinstance(q, wq.Phrase):
            return self.phrase_docs(q)
        if isinstance(q, wq.Every):
            return set(range(self.leaf.count))
        if q is wq.NullQuery:
            return frozenset()
        raise Unsupported(type(q).__name__)

    def prefix_terms(self, q) -> list[str]:
        return list(self.leaf.reader.expand_prefix(q.fieldname, q.text))

    def phrase_docs(self, q) -> set[int]:
        """Documents holding every word, then checked for the words in order in
        the stored text, analysed again (the index keeps no positions: see schema.py)."""
        words = list(q.words)
        parts = sorted((self.cache.term(self.leaf, q.fieldname, w).keys() for w in words), key=len)
        docs = parts[0]
        for other in parts[1:]:
            docs = docs & other
        reader, deleted = self.leaf.reader, self.leaf.deleted
        found = set()
        for docnum in docs:
            if docnum in deleted:
                continue
            text = reader.stored_fields(docnum).get(q.fieldname)
            if text and contains_sequence([t.text for t in self.analyzer(q.fieldname)(text)], words):
                found.add(docnum)
        return found

    def analyzer(self, fieldname: str):
        return self.leaf.reader.schema[fieldname].analyzer

    def scored_terms(self, q, out: list) -> list:
        """(postings dict, fieldname, text, boost) of every positive term (what Whoosh scores)."""
        if isinstance(q, wq.Term):
            out.append((self.cache.term(self.leaf, q.fieldname, q.text), q.fieldname, q.text, q.boost))
        elif isinstance(q, wq.Prefix):
            for text in self.prefix_terms(q):
                out.append((self.cache.term(self.leaf, q.fieldname, text), q.fieldname, text, q.boost))
        elif isinstance(q, wq.Phrase):
            for text in dict.fromkeys(q.words):
                out.append((self.cache.term(self.leaf, q.fieldname, text), q.fieldname, text, q.boost))
        elif isinstance(q, (wq.Or, wq.And)):
            for sub in q.subqueries:
                self.scored_terms(sub, out)
        elif isinstance(q, wq.AndNot):
            self.scored_terms(q.a, out)
        return out


def check_supported(q, scored_field: str) -> None:
    if isinstance(q, (wq.Or, wq.And)):
        for sub in q.subqueries:
            check_supported(sub, scored_field)
    elif isinstance(q, wq.AndNot):
        check_supported(q.a, scored_field)
        check_supported(q.b, scored_field)
    elif isinstance(q, (wq.Term, wq.Prefix, wq.Phrase)):
        if q.fieldname != scored_field:
            raise Unsupported(f"{type(q).__name__} in {q.fieldname}")
    elif not (isinstance(q, wq.Every) or q is wq.NullQuery):
        raise Unsupported(type(q).__name__)


def match(cache: PostingCache, searcher, base, filters: list, skip: set[int],
          scored_field: str = "body") -> tuple[list[int], list]:
    """Global docnums matching `base` (None: every document) and all `filters`,
    minus deleted docs and `skip` (global docnums); plus per-segment scoring data.
    Words must be terms of `scored_field` (its lengths are what top_scored uses)."""
    if base is not None:
        check_supported(base, scored_field)
    found: list[int] = []
    scoring = []
    for leaf in leaves(searcher):
        ev = _Evaluator(cache, leaf)
        sets = [cache.filter(leaf, f) for f in filters]
        if base is not None:
            sets.append(ev.docs(base))
        sets.sort(key=len)
        if sets:
            docs = sets[0]
            for other in sets[1:]:
                if not docs:
                    break
                docs = docs & other
        else:
            docs = range(leaf.count)
        offset, deleted = leaf.offset, leaf.deleted
        if offset:
            local = sorted(d for d in docs if d not in deleted and d + offset not in skip)
            found.extend(d + offset for d in local)
        else:
            found.extend(sorted(d for d in docs if d not in deleted and d not in skip))
        if base is not None:
            scoring.append((leaf, ev.scored_terms(base, [])))
    return found, scoring


def top_scored(searcher, scoring, docs: list[int], lengths: list[int], limit: int) -> list[tuple[int, float]]:
    """The best `limit` of `docs` (global docnums) by BM25F, ties by docnum: (docnum, score)."""
    if not docs or limit <= 0:
        return []
    scores: dict[int, float] = {}
    bounds = [(leaf.offset, leaf.offset + leaf.count, terms) for leaf, terms in scoring]
    prepared = {}
    for _lo, _hi, terms in bounds:
        for _postings, fieldname, text, boost in terms:
            if (fieldname, text) not in prepared:
                avgfl = searcher.avg_field_length(fieldname) or 1
                prepared[(fieldname, text)] = (searcher.idf(fieldname, text) * boost, avgfl)
    for lo, hi, terms in bounds:
        # bm25 = idf * tf * (K1 + 1) / (tf + K1 * ((1 - B) + B * fl / avgfl)), constants hoisted
        plan = [(postings, idf * (K1 + 1), K1 * B / avgfl)
                for postings, (idf, avgfl) in ((p, prepared[(f, t)]) for p, f, t, _b in terms)]
        base = K1 * (1 - B)
        for d in docs:
            if d < lo or d >= hi:
                continue
            local = d - lo
            fl = lengths[d]
            total = 0.0
            for postings, idf1, per_length in plan:
                tf = postings.get(local)
                if tf:
                    total += idf1 * tf / (tf + base + per_length * fl)
            scores[d] = total
    return heapq.nsmallest(limit, scores.items(), key=lambda kv: (-kv[1], kv[0]))


__all__ = ["PostingCache", "Unsupported", "leaves", "match", "top_scored"]

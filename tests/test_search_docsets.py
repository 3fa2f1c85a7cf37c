"""The set-based matching (search/docsets.py) answers exactly what Whoosh's
own matchers answer: same totals, facets and ranking, across several
segments, deletions, a tiny cache that keeps evicting, and an index that
changes under a live handle (no database needed)."""
from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from whoosh.query import Term

from search import docsets
from search.analyzers import query_variants
from search.documents import to_document
from search.engine import create_index, get_handle
from search.service import SearchParams, search

WORDS = ("gradina piata rosii castraveti kert kozosseg ogrod rower festa giardini garden tools market "
         "compost seeds bread cheese honey apple concert film").split()
CATEGORIES = ("food", "tools", "plants")


def _row(listing_id, rng):
    title = " ".join(rng.choice(WORDS) for _ in range(3)).capitalize()
    description = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 25)))
    return SimpleNamespace(
        id=listing_id, kind=rng.choice(("good", "service", "event")), title=title, description=description,
        category=rng.choice(CATEGORIES), group_id=rng.randint(1, 4), price_minor=rng.choice((None, 500)),
        price_minutes=rng.choice((None, 60)), latitude=None, longitude=None,
        published_at=dt.datetime(2026, 1, 1 + listing_id % 28, tzinfo=dt.UTC), created_at=None,
        pact_title="Pact", end_date=None, commons_name="Parc", district=rng.choice(("Centru", "Gheorgheni")),
        c_lat=46.77, c_lon=23.59, group_name="Grup",
    )


@pytest.fixture()
def handle(tmp_path):
    rng = random.Random(5)
    path = str(tmp_path / "index")
    ix = create_index(path)
    for start in (1, 61, 121):  # three segments
        with ix.writer() as writer:
            for listing_id in range(start, start + 60):
                writer.add_document(**to_document(_row(listing_id, rng), []))
    with ix.writer() as writer:  # deletions in older segments
        for listing_id in (3, 70, 71, 150):
            writer.update_document(**to_document(_row(listing_id, rng), []))
        writer.delete_by_term("id", "5")
    handle = get_handle(path)
    yield handle
    handle.reset()


QUERIES = [
    SearchParams(q="gradina"),
    SearchParams(q="gradina piata", category="food"),
    SearchParams(q="kert OR rower", kind="event"),
    SearchParams(q="", category="plants", sort="newest"),
    SearchParams(q="apple", free_only=True, per_page=5, page=2),
    SearchParams(q="compost seeds", accepts_hours=True, district="Centru"),
]


def _answer(handle, params):
    result = search(handle, SearchParams(**vars(params)))
    return result.total, [hit.id for hit in result.hits], result.facets


def _whoosh_answer(handle, params, monkeypatch):
    def unsupported(*_args, **_kwargs):
        raise docsets.Unsupported("forced")

    with monkeypatch.context() as patched:
        patched.setattr(docsets, "match", unsupported)
        return _answer(handle, params)


@pytest.mark.parametrize("params", QUERIES, ids=[p.q or "filters" for p in QUERIES])
def test_set_matching_agrees_with_whoosh(handle, params, monkeypatch):
    fast = _answer(handle, params)
    assert fast[0] > 0
    assert fast == _whoosh_answer(handle, params, monkeypatch)


def test_excluded_words_are_excluded_in_every_segment(handle):
    # Whoosh's own AndNot counted a document of the small last segment that
    # holds the excluded word (its total was one too high); sets do not.
    searcher = handle.searcher()

    def docs(word):  # one term at a time: Whoosh's single-term matching is the reference
        return set().union(*(searcher.docs_for_query(Term("body", v)) for v in query_variants(word)))

    result = search(handle, SearchParams(q="garden -tools", per_page=50))
    assert result.total == len(docs("garden") - docs("tools"))
    ids = {int(searcher.stored_fields(d)["id"]) for d in docs("garden") - docs("tools")}
    assert {hit.id for hit in result.hits} == ids
    assert search(handle, SearchParams(q="honey NOT cheese", per_page=50)).total == \
        len(docs("honey") - docs("cheese"))


def test_a_tiny_cache_keeps_evicting_and_stays_correct(handle, monkeypatch):
    expected = [_whoosh_answer(handle, p, monkeypatch) for p in QUERIES]
    handle.postings.budget = 5
    for _ in range(2):
        assert [_answer(handle, p) for p in QUERIES] == expected
    assert handle.postings._size <= 5 or len(handle.postings._entries) == 1


def test_changes_are_seen_through_the_cache(handle, monkeypatch):
    assert search(handle, SearchParams(q="zacusca")).total == 0
    for params in QUERIES:  # fill the cache for the current segments
        _answer(handle, params)
    rng = random.Random(9)
    with handle._ix.writer() as writer:
        row = _row(500, rng)
        row.title = "Zacusca gradina"
        writer.add_document(**to_document(row, []))
        writer.delete_by_term("id", "1")
        writer.update_document(**to_document(_row(2, rng), []))
    assert [hit.id for hit in search(handle, SearchParams(q="zacusca")).hits] == [500]
    everything = search(handle, SearchParams(q="", per_page=50, page=1))
    assert everything.total == 180 - 1 + 1 - 1  # 180 added, 5 and 1 deleted, 500 added
    for params in QUERIES:
        assert _answer(handle, params) == _whoosh_answer(handle, params, monkeypatch)


def test_phrases_are_checked_on_the_stored_text_in_every_segment(handle):
    searcher = handle.searcher()
    expected = set()
    for docnum in searcher.docs_for_query(Term("body", "gradina")):
        words = searcher.stored_fields(docnum)["body"].split("\x01")[-1].lower().split()
        if any(words[i:i + 2] == ["gradina", "piata"] for i in range(len(words))):
            expected.add(int(searcher.stored_fields(docnum)["id"]))
    assert expected
    result = search(handle, SearchParams(q='"gradina piata"', per_page=50))
    assert {hit.id for hit in result.hits} == expected
    assert result.total == len(expected)
    reverse = search(handle, SearchParams(q='"piata gradina"', per_page=50))
    assert {hit.id for hit in reverse.hits} != expected or not reverse.total

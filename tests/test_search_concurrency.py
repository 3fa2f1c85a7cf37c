"""Two processes (like two gunicorn workers) change listings and drain the
outbox into the same index directory at the same time: nothing is lost and
nobody sees a LockError."""
from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.extensions import db
from marketplace.search_integration import handle, index_dir, session_factory
from models import Listing, SearchOutbox
from search import SearchParams, check, search
from tests.conftest import TEST_CONFIG, truncate_all
from tests.factories import make_group, make_listing, make_pact

ROUNDS = 12


def _app(url: str, index: str):
    return create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=index,
                           SEARCH_DRAIN_TIMEOUT=0.2))


def writer_process(url: str, index: str, instance: str, tag: str, listing_ids: list[int], queue) -> None:
    import os

    os.environ["COMMONS_INSTANCE_PATH"] = instance
    app = _app(url, index)
    errors = []
    with app.app_context():
        for i in range(ROUNDS):
            try:
                listing = db.session.get(Listing, listing_ids[i % len(listing_ids)])
                listing.title = f"{tag} round {i} zz{tag}{i}"
                db.session.commit()  # the after-commit hook drains, racing the other process
            except Exception as exc:  # noqa: BLE001 - reported to the parent
                errors.append(repr(exc))
                db.session.rollback()
    queue.put((tag, errors))


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COMMONS_INSTANCE_PATH", str(tmp_path / "instance"))
    index = str(tmp_path / "index")
    app = _app(pg_url, index)
    try:
        with app.app_context():
            pact = make_pact(make_group("Concurență"))
            ids = [make_listing(pact, title=f"Start {n}").id for n in range(6)]
            db.session.commit()
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        workers = [context.Process(target=writer_process,
                                   args=(pg_url, index, str(tmp_path / "instance"), tag, part, queue))
                   for tag, part in (("a", ids[:3]), ("b", ids[3:]))]
        for worker in workers:
            worker.start()
        reports = dict(queue.get(timeout=240) for _ in workers)
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        assert reports == {"a": [], "b": []}  # no LockError (or anything else) surfaced
        with app.app_context():
            assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0
            titles = dict(db.session.execute(select(Listing.id, Listing.title)).all())
            for listing_id, title in titles.items():
                last_word = title.split()[-1]
                hits = search(handle(), SearchParams(q=last_word)).hits
                assert [h.id for h in hits] == [listing_id], (title, hits)
                assert hits[0].title == title
            report = check(session_factory(), index_dir())
            assert not report.drift and report.indexed == 6
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        truncate_all(pg_url)

"""Concurrent reports and decisions on one listing, on real PostgreSQL with
real threads: the threshold hides it exactly once, and two moderators
cannot both approve the same listing."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from marketplace import create_app
from marketplace.extensions import db
from models import AuditLog, Listing, ListingStatus, ModerationAction, Pact, Report
from tests.conftest import TEST_CONFIG, truncate_all
from tests.factories import login, make_listing, make_user
from tests.world import build_world

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COMMONS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI=pg_url, SEARCH_INDEX_DIR=str(tmp_path / "index"),
                          UPLOAD_DIR=str(tmp_path / "uploads"), RATELIMIT_ENABLED=False))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    truncate_all(pg_url)


def _run_together(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_simultaneous_reports_hide_the_listing_once(pg_app):
    with pg_app.app_context():
        world = build_world()
        emails = [make_user(f"neighbour{i}@example.org").email for i in range(6)]
        db.session.commit()
    clients = []
    for email in emails:
        client = pg_app.test_client()
        assert login(client, email).status_code == 302
        clients.append(client)
    statuses = _run_together([
        lambda c=c: c.post(f"/listings/{world.listing}/report", data={"reason_code": "spam"}).status_code
        for c in clients])
    assert all(status in (302, 404) for status in statuses), statuses
    with pg_app.app_context():
        assert db.session.get(Listing, world.listing).status == "hidden"
        hides = db.session.scalars(select(ModerationAction).where(ModerationAction.kind == "auto_hide")).all()
        assert len(hides) == 1
        assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "listing.auto_hidden")).all()) == 1
        # Reports filed before the hide count; the rest found the listing gone (404).
        assert len(db.session.scalars(select(Report)).all()) == statuses.count(302) >= 3


def test_two_moderators_deciding_at_once_do_not_both_win(pg_app):
    with pg_app.app_context():
        world = build_world()
        listing = make_listing(db.session.get(Pact, world.pact), status=ListingStatus.PENDING_REVIEW)
        db.session.commit()
        listing_id = listing.id
    moderator, admin = pg_app.test_client(), pg_app.test_client()
    login(moderator, world.emails["moderator"])
    login(admin, world.emails["admin"])
    url = f"/moderation/listings/{listing_id}/decision"
    statuses = _run_together([lambda c=c: c.post(url, data={"decision": "approve"}).status_code
                              for c in (moderator, admin)])
    # The loser finds the listing already published: refused by the state
    # machine under the row lock (409), or by the form if it loaded late (422).
    assert sorted(statuses)[0] == 302 and sorted(statuses)[1] in (409, 422), statuses
    with pg_app.app_context():
        actions = db.session.scalars(select(ModerationAction).where(ModerationAction.listing_id == listing_id)).all()
        assert len(actions) == 1
        assert db.session.get(Listing, listing_id).status == actions[0].to_status

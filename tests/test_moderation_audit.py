"""The audit log page: who, what, when, before/after, reason; filters and
pages; append-only (nothing in the app changes or deletes a row)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace import audit
from marketplace.extensions import db
from marketplace.moderation import AuditLogIsAppendOnly
from models import AuditLog, Listing, Pact, User
from tests.factories import login, make_listing
from tests.permission_tables.moderation import ROWS as MODERATION_ROWS
from tests.world import build_world


def _setup(app):
    with app.app_context():
        world = build_world()
        db.session.commit()
        return world


def _client(app, email):
    client = app.test_client()
    login(client, email)
    return client


def _rows(app):
    with app.app_context():
        return {e.id: (e.created_at, e.actor_id, e.action, e.object_type, e.object_id, e.before, e.after, e.reason)
                for e in db.session.scalars(select(AuditLog))}


def _main(html: str) -> str:
    return re.search(r"<main.*?</main>", html, re.S).group(0)


def test_the_audit_page_shows_who_what_when_before_after_and_why(app):
    world = _setup(app)
    mod = _client(app, world.emails["moderator"])
    mod.post(f"/moderation/listings/{world.listing}/decision",
             data={"decision": "hide", "reason_code": "offensive", "statement": "Insulting title."})
    page = mod.get("/moderation/audit")
    assert page.status_code == 200
    main = _main(page.text)
    assert "listing.hide" in main and "moderator@example.org" in main and "Insulting title." in main
    assert f"listing #{world.listing}" in main
    assert "<dt>status</dt><dd>published</dd>" in main and "<dt>status</dt><dd>hidden</dd>" in main
    # Read only: the only form in the page body is the GET filter.
    assert 'method="post"' not in main.lower() and "method=post" not in main.lower()
    assert main.lower().count("<form") == 1 and 'method="get"' in main


def test_filters_and_pages(app):
    world = _setup(app)
    with app.app_context():
        moderator = db.session.get(User, world.user_moderator)
        admin = db.session.get(User, world.user_admin)
        listing = db.session.get(Listing, world.listing)
        for i in range(60):
            audit.record(moderator, "listing.hide", listing, before={"n": i}, reason=f"r{i}")
        audit.record(admin, "user.suspended", db.session.get(User, world.user_resident), reason="admin did it")
        audit.record(None, "listing.auto_hidden", listing, reason="automatic")
        db.session.commit()
    mod = _client(app, world.emails["moderator"])
    first = _main(mod.get("/moderation/audit").text)
    assert "62 entries" in first and "Page 1 of 2" in first and "automatic" in first and "r59" in first
    second = _main(mod.get("/moderation/audit?page=2").text)
    assert "r0<" in second and "r59" not in second
    by_actor = _main(mod.get("/moderation/audit?actor=admin%40example").text)
    assert "1 entry" in by_actor and "admin did it" in by_actor
    assert "1 entry" in _main(mod.get(f"/moderation/audit?actor={world.user_admin}").text)
    assert "automatic" in _main(mod.get("/moderation/audit?actor=system").text)
    by_object = _main(mod.get(f"/moderation/audit?object_type=user&object_id={world.user_resident}").text)
    assert "1 entry" in by_object and "user.suspended" in by_object
    by_action = _main(mod.get("/moderation/audit?action=listing.").text)
    assert "61 entries" in by_action
    assert "1 entry" in _main(mod.get("/moderation/audit?action=listing.auto_hidden").text)
    bad = mod.get("/moderation/audit?object_id=abc")
    assert bad.status_code == 422 and "There is a problem" in bad.text


def test_the_orm_refuses_to_change_or_delete_audit_rows(app):
    world = _setup(app)
    with app.app_context():
        entry = audit.record(None, "listing.test", db.session.get(Listing, world.listing), reason="original")
        db.session.commit()
        entry.reason = "rewritten"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditLog, entry.id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(AuditLog, entry.id).reason == "original"


def test_no_route_writes_audit_rows_except_by_appending(app):
    """Exercise every moderation route as moderator and admin; the rows that
    existed before are unchanged and none are gone."""
    world = _setup(app)
    with app.app_context():
        listing = db.session.get(Listing, world.listing)
        for i in range(3):
            audit.record(db.session.get(User, world.user_admin), "listing.seeded", listing,
                         before={"i": i}, after={"i": i + 1}, reason=f"seed {i}")
        db.session.commit()
    before = _rows(app)
    for role in ("moderator", "admin"):
        client = _client(app, world.emails[role])
        for row in MODERATION_ROWS:
            with app.app_context():
                url = row.url(world)
                data = row.data(world) if row.data else None
                db.session.commit()
            response = client.open(url, method=row.method, data=data)
            assert response.status_code < 500, (row.endpoint, response.status_code)
        # The admin also decides on a fresh listing with every decision.
        with app.app_context():
            fresh = make_listing(db.session.get(Pact, world.pact)).id
            db.session.commit()
        for data in ({"decision": "hide", "reason_code": "spam", "statement": "s"},
                     {"decision": "restore"},
                     {"decision": "request_changes", "statement": "m"}):
            assert client.post(f"/moderation/listings/{fresh}/decision", data=data).status_code == 302
    after = _rows(app)
    assert len(after) > len(before) + 10
    assert {k: after[k] for k in before} == before
    # No registered route offers a write method on an audit URL.
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule or "audit" in rule.endpoint:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_reasons_render_inert_everywhere(app):
    world = _setup(app)
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>'
    mod = _client(app, world.emails["moderator"])
    mod.post(f"/moderation/listings/{world.listing}/decision",
             data={"decision": "hide", "reason_code": "other", "statement": payload})
    coordinator = _client(app, world.emails["coordinator"])
    pages = [mod.get("/moderation/audit").text, mod.get(f"/moderation/listings/{world.listing}").text,
             coordinator.get(f"/listings/{world.listing}").text, coordinator.get("/notifications").text]
    for page in pages:
        assert "<script>alert(1)" not in page and "<img src=x" not in page and "<svg onload" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    appeal = coordinator.post(f"/listings/{world.listing}/appeal", data={"message": payload})
    assert appeal.status_code == 302
    review = mod.get(f"/moderation/listings/{world.listing}").text
    assert "<script>alert(1)" not in review and review.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2

"""Suspending a user blocks log in, hides their listings and keeps their data."""
from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from models import AuditLog, EmailMessage, Listing, ModerationAction, User
from tests.factories import login
from tests.moderation_support import count
from tests.world import build_world


def _setup(app):
    with app.app_context():
        world = build_world()
        db.session.commit()
        return world


def _client(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _visible(app, world) -> bool:
    anon = app.test_client()
    return (anon.get(f"/listings/{world.listing}").status_code == 200
            and "Roșii din grădină" in anon.get(f"/groups/{world.group_a_slug}").text
            and "Roșii din grădină" in anon.get(f"/pacts/{world.pact}").text)


def test_suspension_hides_content_blocks_log_in_and_unsuspend_restores(app):
    world = _setup(app)
    member = _client(app, world.emails["member"])  # the author of the published listing
    assert member.get("/account").status_code == 200
    assert _visible(app, world)
    mod = _client(app, world.emails["moderator"])
    response = mod.post(f"/moderation/users/{world.user_member}/suspend",
                        data={"reason_code": "spam", "reason": "Repeated advertising."})
    assert response.status_code == 302
    assert "The account is suspended" in mod.get(response.headers["Location"]).text
    # Content hidden everywhere, data kept.
    assert not _visible(app, world)
    with app.app_context():
        assert db.session.get(Listing, world.listing).status == "published"
        assert db.session.get(User, world.user_member).status == "suspended"
        assert db.session.scalar(select(EmailMessage.subject).where(
            EmailMessage.recipient == world.emails["member"]).order_by(EmailMessage.id.desc())) \
            == "Your account was suspended"
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.suspended"))
        assert (entry.object_type, entry.object_id, entry.actor_id) == ("user", world.user_member,
                                                                         world.user_moderator)
        assert entry.before == {"status": "active"} and entry.after["status"] == "suspended"
        assert entry.reason == "Repeated advertising."
    # The open session is logged out at its next request; logging in is refused.
    assert member.get("/account").status_code == 302
    refused = app.test_client().post("/login", data={"email": world.emails["member"],
                                                     "password": "correct horse battery"})
    assert refused.status_code != 302 and "suspended" in refused.text
    # The moderator still sees the listing, marked not public.
    assert "not public" in mod.get(f"/moderation/users/{world.user_member}").text
    # Unsuspend brings everything back.
    bad = mod.post(f"/moderation/users/{world.user_member}/unsuspend", data={"reason": ""})
    assert bad.status_code == 422 and "This field is required." in bad.text
    assert mod.post(f"/moderation/users/{world.user_member}/unsuspend",
                    data={"reason": "Talked to them."}).status_code == 302
    assert _visible(app, world)
    assert _client(app, world.emails["member"]).get("/account").status_code == 200
    with app.app_context():
        assert [a.kind for a in db.session.scalars(select(ModerationAction).order_by(ModerationAction.id))] == [
            "suspend_user", "unsuspend_user"]
        assert count(AuditLog, AuditLog.action == "user.unsuspended") == 1


def test_suspension_needs_a_reason_and_cannot_repeat(app):
    world = _setup(app)
    mod = _client(app, world.emails["moderator"])
    url = f"/moderation/users/{world.user_resident}/suspend"
    no_reason = mod.post(url, data={"reason_code": "spam", "reason": " "})
    assert no_reason.status_code == 422 and "This field is required." in no_reason.text
    no_code = mod.post(url, data={"reason_code": "", "reason": "Spam."})
    assert no_code.status_code == 422 and "This field is required." in no_code.text
    with app.app_context():
        assert db.session.get(User, world.user_resident).status == "active" and count(AuditLog) == 0
    assert mod.post(url, data={"reason_code": "spam", "reason": "Spam."}).status_code == 302
    again = mod.post(url, data={"reason_code": "spam", "reason": "Spam."})
    assert again.status_code == 409 and "cannot be suspended" in again.text
    not_suspended = mod.post(f"/moderation/users/{world.user_coordinator}/unsuspend", data={"reason": "x"})
    assert not_suspended.status_code == 409


def test_who_may_suspend_whom(app):
    world = _setup(app)
    mod = _client(app, world.emails["moderator"])
    data = {"reason_code": "other", "reason": "Test."}
    # A moderator cannot suspend an admin or themselves; an admin can suspend a moderator.
    assert mod.post(f"/moderation/users/{world.user_admin}/suspend", data=data).status_code == 403
    assert mod.post(f"/moderation/users/{world.user_moderator}/suspend", data=data).status_code == 403
    admin = _client(app, world.emails["admin"])
    assert admin.post(f"/moderation/users/{world.user_moderator}/suspend", data=data).status_code == 302
    # The suspended moderator loses the moderation pages at once.
    assert mod.get("/moderation").status_code == 302
    for role in ("resident", "member", "coordinator"):
        client = _client(app, world.emails[role])
        assert client.post(f"/moderation/users/{world.user_other_coordinator}/suspend", data=data).status_code == 403
    with app.app_context():
        assert db.session.get(User, world.user_other_coordinator).status == "active"


def test_the_accounts_list_searches_by_email_or_name(app):
    world = _setup(app)
    mod = _client(app, world.emails["moderator"])
    page = mod.get("/moderation/users?q=COORDINATOR").text
    assert "coordinator@example.org" in page and "resident@example.org" not in page
    assert "No account matches." in mod.get("/moderation/users?q=%25_nobody").text

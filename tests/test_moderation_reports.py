"""Residents report listings: one report each, and the threshold hides it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from models import AuditLog, EmailMessage, Listing, Report
from tests.factories import PASSWORD, login, make_user
from tests.moderation_support import count, make_report, notifications_of
from tests.world import build_world


def _world(app):
    with app.app_context():
        world = build_world()
        residents = [make_user(f"r{i}@example.org") for i in range(4)]
        db.session.commit()
        return world, [r.email for r in residents]


def _report(client, listing_id, reason="spam", details=""):
    return client.post(f"/listings/{listing_id}/report", data={"reason_code": reason, "details": details})


def test_a_resident_reports_a_listing_and_the_moderators_see_it(app):
    world, residents = _world(app)
    client = app.test_client()
    login(client, residents[0])
    page = client.get(f"/listings/{world.listing}")
    assert "Report this listing" in page.text
    response = _report(client, world.listing, "wrong_information", "The tomatoes are plastic.")
    assert response.status_code == 302
    assert "was sent to the city" in client.get(response.headers["Location"]).text
    with app.app_context():
        report = db.session.scalar(select(Report))
        assert (report.reason_code, report.details, report.status) == ("wrong_information",
                                                                       "The tomatoes are plastic.", "open")
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.object_id == world.listing)) \
            == "listing.reported"
    mod = app.test_client()
    login(mod, world.emails["moderator"])
    queue = mod.get("/moderation?section=reported")
    assert "Roșii din grădină" in queue.text and "1 open report" in queue.text
    assert "The tomatoes are plastic." in mod.get(f"/moderation/listings/{world.listing}").text


def test_one_report_per_user_per_listing(app):
    world, residents = _world(app)
    client = app.test_client()
    login(client, residents[0])
    assert _report(client, world.listing).status_code == 302
    again = _report(client, world.listing, "offensive")
    assert again.status_code == 302
    assert "already reported this listing" in client.get(again.headers["Location"]).text
    assert "You reported this listing" in client.get(f"/listings/{world.listing}").text
    with app.app_context():
        assert count(Report) == 1


def test_the_database_refuses_a_second_report_too(app):
    world, _ = _world(app)
    with app.app_context():
        listing = db.session.get(Listing, world.listing)
        make_report(listing, db.session.get(Listing, world.listing).group.memberships[0].user)
        with pytest.raises(IntegrityError):
            make_report(listing, listing.group.memberships[0].user)
        db.session.rollback()


@pytest.mark.parametrize("data, message", [
    ({"reason_code": "", "details": ""}, "Choose one option."),
    ({"reason_code": "because", "details": ""}, "Not a valid choice"),
    ({"reason_code": "spam", "details": "x" * 1001}, "Use at most 1000 characters."),
])
def test_bad_reports_get_a_clear_message_and_write_nothing(app, data, message):
    world, residents = _world(app)
    client = app.test_client()
    login(client, residents[0])
    response = client.post(f"/listings/{world.listing}/report", data=data)
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert count(Report) == 0 and count(AuditLog) == 0


def test_the_group_cannot_report_its_own_listing_and_hidden_listings_cannot_be_reported(app):
    world, residents = _world(app)
    member = app.test_client()
    login(member, world.emails["member"])
    assert "Report this listing" not in member.get(f"/listings/{world.listing}").text
    assert _report(member, world.listing).status_code == 403
    resident = app.test_client()
    login(resident, residents[0])
    assert _report(resident, world.draft_listing).status_code == 404
    assert app.test_client().post(f"/listings/{world.listing}/report").status_code == 302  # to log in


def _public_everywhere(app, world):
    anon = app.test_client()
    return {
        "detail": anon.get(f"/listings/{world.listing}").status_code == 200,
        "group": "Roșii din grădină" in anon.get(f"/groups/{world.group_a_slug}").text,
        "pact": "Roșii din grădină" in anon.get(f"/pacts/{world.pact}").text,
    }


def test_three_reports_hide_the_listing_and_tell_the_group(app):
    world, residents = _world(app)
    assert all(_public_everywhere(app, world).values())
    for i, email in enumerate(residents[:3]):
        client = app.test_client()
        login(client, email)
        assert _report(client, world.listing, ["spam", "unsafe", "spam"][i]).status_code == 302
        if i < 2:
            assert all(_public_everywhere(app, world).values())
    assert not any(_public_everywhere(app, world).values())
    with app.app_context():
        listing = db.session.get(Listing, world.listing)
        assert listing.status == "hidden"
        actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
        assert actions == ["listing.reported"] * 3 + ["listing.auto_hidden"]
        note = notifications_of(world.user_coordinator)[-1]
        assert "hidden after several reports" in note.subject and "Spam" in note.body
        assert db.session.scalar(select(EmailMessage).where(EmailMessage.recipient == "coordinator@example.org"))
        # The author (a member, not a coordinator) is told as well.
        assert notifications_of(world.user_member)
    # A fourth resident no longer sees it to report.
    fourth = app.test_client()
    login(fourth, residents[3])
    assert _report(fourth, world.listing).status_code == 404
    # The group sees why and can appeal.
    member = app.test_client()
    login(member, world.emails["member"])
    page = member.get(f"/listings/{world.listing}")
    assert "Hidden automatically after 3 reports" in page.text and "Appeal this decision" in page.text


def test_the_threshold_is_a_setting(make_app):
    app = make_app(MODERATION_REPORT_THRESHOLD=1)
    world, residents = _world(app)
    client = app.test_client()
    login(client, residents[0])
    _report(client, world.listing)
    with app.app_context():
        assert db.session.get(Listing, world.listing).status == "hidden"


def test_moderators_resolve_or_dismiss_reports_and_reporters_are_told(app):
    world, residents = _world(app)
    with app.app_context():
        listing = db.session.get(Listing, world.listing)
        one = make_report(listing, reason="spam")
        two = make_report(listing, reason="other", details="odd")
        db.session.commit()
        one_id, two_id, reporter_one = one.id, two.id, one.reporter_id
    mod = app.test_client()
    login(mod, world.emails["moderator"])
    bad = mod.post(f"/moderation/reports/{one_id}/close", data={})
    assert bad.status_code == 422 and "Choose one option." in bad.text
    assert mod.post(f"/moderation/reports/{one_id}/close",
                    data={f"report{one_id}-outcome": "dismissed", f"report{one_id}-note": "Fine."}).status_code == 302
    assert mod.post(f"/moderation/reports/{two_id}/close",
                    data={f"report{two_id}-outcome": "resolved"}).status_code == 302
    again = mod.post(f"/moderation/reports/{one_id}/close", data={f"report{one_id}-outcome": "resolved"})
    assert again.status_code == 409 and "already closed" in again.text
    with app.app_context():
        assert [r.status for r in db.session.scalars(select(Report).order_by(Report.id))] == ["dismissed", "resolved"]
        assert "was reviewed" in notifications_of(reporter_one)[-1].subject
        assert count(AuditLog, AuditLog.action.in_(["listing.report_dismissed", "listing.report_resolved"])) == 2


def test_report_details_are_shown_inert(app):
    world, residents = _world(app)
    payload = ('<script>alert(1)</script><img src=x onerror=alert(2)>'
               '<a href="javascript:alert(3)">x</a><svg onload=alert(4)>')
    client = app.test_client()
    login(client, residents[0])
    assert _report(client, world.listing, "other", payload).status_code == 302
    mod = app.test_client()
    login(mod, world.emails["moderator"])
    page = mod.get(f"/moderation/listings/{world.listing}").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_report_form_carries_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    world, residents = _world(app)
    client = app.test_client()
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    client.post("/login", data={"email": residents[0], "password": PASSWORD,
                                "csrf_token": token.group(1) or token.group(2)})
    forged = _report(client, world.listing)
    assert forged.status_code == 400
    detail = client.get(f"/listings/{world.listing}").text
    form = detail[detail.index(f'action="/listings/{world.listing}/report"'):]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    sent = client.post(f"/listings/{world.listing}/report", data={"reason_code": "spam", "csrf_token": token})
    assert sent.status_code == 302
    with app.app_context():
        assert count(Report) == 1

"""Group members create, edit, submit and archive listings under their active pacts."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.listings.pricing import format_money_input, parse_money
from models import AuditLog, Group, Listing, PactStatus, Slot
from tests.factories import make_group, make_listing, make_pact, make_user
from tests.helpers_pgl import audit_actions, client_as, count

NEXT_WEEK = dt.date.today() + dt.timedelta(days=7)


@pytest.mark.parametrize("text,minor", [("12", 1200), ("12.5", 1250), ("12,50", 1250), ("0.99", 99),
                                        ("1.234", None), ("-3", None), ("ten", None)])
def test_parse_money(text, minor):
    assert parse_money(text) == minor


@pytest.mark.parametrize("locale,shown", [("en", "1234.05"), ("ro", "1234,05"), ("it", "1234,05"),
                                          ("pl", "1234,05"), ("hu", "1234,05")])
def test_a_price_is_put_back_in_the_form_the_readers_way_and_reads_back_the_same(locale, shown):
    assert format_money_input(123405, locale) == shown
    assert parse_money(format_money_input(123405, locale)) == 123405


def _setup(app, needs_review=True):
    with app.app_context():
        coordinator = make_user("coord@example.org")
        member = make_user("mem@example.org")
        make_user("other@example.org")
        group = make_group("Garden A", coordinator=coordinator, members=[member], needs_review=needs_review)
        other = make_group("Garden B", coordinator=db.session.scalar(
            select(type(member)).where(type(member).email == "other@example.org")))
        active = make_pact(group, title="Active pact")
        draft = make_pact(group, title="Draft pact", status=PactStatus.DRAFT)
        expired = make_pact(group, title="Old pact", end_date=dt.date.today() - dt.timedelta(days=1))
        other_pact = make_pact(other, title="B's pact")
        db.session.commit()
        return {"slug": group.slug, "group": group.id, "active": active.id, "draft": draft.id,
                "expired": expired.id, "other_pact": other_pact.id, "other_slug": other.slug}


def _good(pact_id, **extra):
    data = {"kind": "good", "title": "Tomatoes", "description": "Fresh **tomatoes**", "category": "food",
            "pact_id": str(pact_id), "pricing": "hours", "hours": "1:30", "stock": "20",
            "pickup_place": "Shed by the gate", "pickup_hours": "Sat 10-13"}
    data.update(extra)
    return data


def test_member_creates_a_good_and_publishes_it_through_review(app):
    ids = _setup(app)
    member = client_as(app, "mem@example.org")
    page = member.get(f"/groups/{ids['slug']}/listings/new").get_data(as_text=True)
    assert "Active pact" in page and "Draft pact" not in page and "Old pact" not in page
    assert "Payments in money are not available" in page  # no Stripe key configured
    response = member.post(f"/groups/{ids['slug']}/listings/new", data=_good(ids["active"]))
    assert response.status_code == 302
    with app.app_context():
        listing = db.session.scalar(select(Listing))
        assert (listing.status, listing.price_minutes, listing.price_minor, listing.stock) == ("draft", 90, None, 20)
        assert (listing.pickup_place, listing.pickup_hours) == ("Shed by the gate", "Sat 10-13")
        listing_id = listing.id
    assert app.test_client().get(f"/listings/{listing_id}").status_code == 404
    assert member.post(f"/listings/{listing_id}/submit").status_code == 302
    with app.app_context():
        assert db.session.get(Listing, listing_id).status == "pending_review"
        assert audit_actions("listing", listing_id) == ["listing.create", "listing.submit"]
    # Not editable while waiting for review.
    assert member.post(f"/listings/{listing_id}/edit", data=_good(ids["active"])).status_code == 409


def test_group_without_review_publishes_directly_and_edits_stay_published(app):
    ids = _setup(app, needs_review=False)
    member = client_as(app, "mem@example.org")
    member.post(f"/groups/{ids['slug']}/listings/new", data=_good(ids["active"]))
    with app.app_context():
        listing_id = db.session.scalar(select(Listing.id))
    member.post(f"/listings/{listing_id}/submit")
    assert app.test_client().get(f"/listings/{listing_id}").status_code == 200
    assert member.post(f"/listings/{listing_id}/edit", data=_good(ids["active"], title="Cherry tomatoes")
                       ).status_code == 302
    with app.app_context():
        listing = db.session.get(Listing, listing_id)
        assert (listing.status, listing.title) == ("published", "Cherry tomatoes")
        assert listing.published_at is not None
        # The city turns review on: the next edit goes back to review.
        db.session.get(Group, ids["group"]).listings_need_review = True
        db.session.commit()
    member.post(f"/listings/{listing_id}/edit", data=_good(ids["active"], title="Plum tomatoes"))
    with app.app_context():
        assert db.session.get(Listing, listing_id).status == "pending_review"
    assert app.test_client().get(f"/listings/{listing_id}").status_code == 404


def test_only_under_an_active_pact_of_the_group(app):
    ids = _setup(app)
    member = client_as(app, "mem@example.org")
    for pact in ("draft", "expired"):
        response = member.post(f"/groups/{ids['slug']}/listings/new", data=_good(ids[pact]))
        assert response.status_code == 409, pact
        assert "is not active" in response.get_data(as_text=True)
    response = member.post(f"/groups/{ids['slug']}/listings/new", data=_good(ids["other_pact"]))
    assert response.status_code == 422
    assert "Choose one of your group&#39;s active pacts." in response.get_data(as_text=True)
    # A member of group A cannot create listings for group B.
    assert member.post(f"/groups/{ids['other_slug']}/listings/new",
                       data=_good(ids["other_pact"])).status_code == 403
    with app.app_context():
        assert count(Listing) == 0 and count(AuditLog) == 0


def test_bad_input_gets_messages_and_writes_nothing(app):
    ids = _setup(app)
    member = client_as(app, "mem@example.org")
    bad = _good(ids["active"], title="", category="weapons", hours="lots", stock="-4", latitude="95")
    response = member.post(f"/groups/{ids['slug']}/listings/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in page
    assert "This field is required." in page and "Between -90 and 90." in page
    bad = _good(ids["active"], hours="lots", stock="")
    page = member.post(f"/groups/{ids['slug']}/listings/new", data=bad).get_data(as_text=True)
    assert "Enter hours like 2, 1.5 or 1:30" in page and "Say how many are available" in page
    bad = _good(ids["active"], pricing="money", price="12.50")
    page = member.post(f"/groups/{ids['slug']}/listings/new", data=bad).get_data(as_text=True)
    assert "Not a valid choice" in page or "Payments in money are not available" in page
    bad = _good(ids["active"], latitude="46.7")
    page = member.post(f"/groups/{ids['slug']}/listings/new", data=bad).get_data(as_text=True)
    assert "Give the longitude too." in page
    with app.app_context():
        assert count(Listing) == 0


def test_money_pricing_when_stripe_is_configured(make_app):
    app = make_app(STRIPE_SECRET_KEY="sk_test_123", CURRENCY="RON")
    ids = _setup(app)
    member = client_as(app, "mem@example.org")
    page = member.get(f"/groups/{ids['slug']}/listings/new").get_data(as_text=True)
    assert "Payments in money are not available" not in page and "Money or time-bank hours" in page
    member.post(f"/groups/{ids['slug']}/listings/new",
                data=_good(ids["active"], pricing="money_hours", price="12,50", hours="2"))
    with app.app_context():
        listing = db.session.scalar(select(Listing))
        assert (listing.price_minor, listing.currency, listing.price_minutes) == (1250, "RON", 120)


@pytest.mark.parametrize("typed,minutes", [("1:30", 90), ("1,5", 90), ("45 min", 45), ("2h", 120),
                                           ("1.33", None), ("0", None), ("101", None), ("-2", None)])
def test_hours_prices_are_read_like_the_time_banks_amounts(app, typed, minutes):
    ids = _setup(app)
    member = client_as(app, "mem@example.org")
    response = member.post(f"/groups/{ids['slug']}/listings/new", data=_good(ids["active"], pricing="hours",
                                                                            hours=typed))
    with app.app_context():
        listing = db.session.scalar(select(Listing))
        if minutes is None:
            assert listing is None and response.status_code == 422
            assert "Enter hours like 2, 1.5 or 1:30 (at most 100 hours)." in response.get_data(as_text=True)
        else:
            assert listing.price_minutes == minutes


def _event(client, ids):
    client.post(f"/groups/{ids['slug']}/listings/new",
                data={"kind": "event", "title": "Compost workshop", "category": "workshop",
                      "pact_id": str(ids["active"]), "pricing": "free"})
    with app_ctx(client):
        return db.session.scalar(select(Listing.id).where(Listing.title == "Compost workshop"))


def app_ctx(client):
    return client.application.app_context()


def test_event_dates_with_weekly_repeat(app):
    ids = _setup(app, needs_review=False)
    member = client_as(app, "mem@example.org")
    listing_id = _event(member, ids)
    # No dates yet: cannot publish.
    response = member.post(f"/listings/{listing_id}/submit", follow_redirects=True)
    assert "Add at least one future date" in response.get_data(as_text=True)
    start = f"{NEXT_WEEK.isoformat()}T18:00"
    bad = member.post(f"/listings/{listing_id}/dates",
                      data={"starts_at": start, "ends_at": f"{NEXT_WEEK.isoformat()}T17:00", "capacity": "0"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "From 1 to 10000." in page
    bad = member.post(f"/listings/{listing_id}/dates",
                      data={"starts_at": start, "ends_at": f"{NEXT_WEEK.isoformat()}T17:00", "capacity": "10"})
    assert "The end must be after the start." in bad.get_data(as_text=True)
    past = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    bad = member.post(f"/listings/{listing_id}/dates",
                      data={"starts_at": f"{past}T18:00", "ends_at": f"{past}T20:00", "capacity": "10"})
    assert "The start must be in the future." in bad.get_data(as_text=True)
    too_far = (NEXT_WEEK + dt.timedelta(weeks=60)).isoformat()
    bad = member.post(f"/listings/{listing_id}/dates", data={"starts_at": start, "ends_at": f"{NEXT_WEEK}T20:00",
                                                             "capacity": "10", "repeat_until": too_far})
    assert "At most 52 dates at once" in bad.get_data(as_text=True)
    with app.app_context():
        assert count(Slot) == 0
    until = (NEXT_WEEK + dt.timedelta(weeks=3, days=2)).isoformat()
    ok = member.post(f"/listings/{listing_id}/dates", data={"starts_at": start, "ends_at": f"{NEXT_WEEK}T20:00",
                                                            "capacity": "12", "repeat_until": until})
    assert ok.status_code == 302
    with app.app_context():
        slots = db.session.scalars(select(Slot).order_by(Slot.starts_at)).all()
        assert len(slots) == 4 and {s.capacity for s in slots} == {12}
        assert all(s.ends_at - s.starts_at == dt.timedelta(hours=2) for s in slots)
        # Same local time every week, across daylight-saving changes.
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(app.config["TIMEZONE"])
        assert {s.starts_at.astimezone(tz).strftime("%H:%M %a") for s in slots} == {
            slots[0].starts_at.astimezone(tz).strftime("%H:%M %a")}
        first_slot = slots[0].id
    assert member.post(f"/listings/{listing_id}/submit").status_code == 302
    page = app.test_client().get(f"/listings/{listing_id}").get_data(as_text=True)
    assert "Compost workshop" in page and "12 / 12" in page
    assert member.post(f"/listings/{listing_id}/dates/{first_slot}/delete").status_code == 302
    with app.app_context():
        assert count(Slot) == 3


def test_service_on_request_and_archive(app):
    ids = _setup(app, needs_review=False)
    member = client_as(app, "mem@example.org")
    member.post(f"/groups/{ids['slug']}/listings/new",
                data={"kind": "service", "title": "Bike repair", "category": "repair",
                      "pact_id": str(ids["active"]), "pricing": "hours", "hours": "1", "on_request": "y"})
    with app.app_context():
        listing_id = db.session.scalar(select(Listing.id))
    assert member.post(f"/listings/{listing_id}/submit").status_code == 302
    assert "On request" in app.test_client().get(f"/listings/{listing_id}").get_data(as_text=True)
    assert member.post(f"/listings/{listing_id}/archive").status_code == 302
    with app.app_context():
        assert db.session.get(Listing, listing_id).status == "archived"
    assert app.test_client().get(f"/listings/{listing_id}").status_code == 404
    # Archived is final for the group here: no edit, no second archive.
    assert member.post(f"/listings/{listing_id}/archive").status_code == 409
    assert member.post(f"/listings/{listing_id}/edit", data={"title": "x"}).status_code == 409


def test_member_of_group_a_cannot_touch_group_b_listing(app):
    ids = _setup(app)
    with app.app_context():
        from models import Pact

        listing = make_listing(db.session.get(Pact, ids["other_pact"]), title="B's honey")
        db.session.commit()
        listing_id = listing.id
    member = client_as(app, "mem@example.org")
    for method, url in [("get", "edit"), ("post", "edit"), ("post", "submit"), ("post", "archive"),
                        ("get", "photos"), ("get", "dates")]:
        assert getattr(member, method)(f"/listings/{listing_id}/{url}").status_code == 403, url
    with app.app_context():
        assert db.session.get(Listing, listing_id).status == "published"

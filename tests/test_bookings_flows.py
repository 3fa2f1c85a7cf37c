"""Booking journeys through the pages and the API: free and hours bookings,
double submit, waiting list, calendar file, group check-in and export."""
from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar

from marketplace.bookings import services, waitlist
from marketplace.extensions import db
from models import Booking, Notification, Slot, WaitlistEntry, utcnow
from tests.bookings_support import make_event
from tests.factories import login, make_user


def _setup(app, **kwargs):
    with app.app_context():
        listing, slot = make_event(**kwargs)
        resident = make_user()
        coordinator = listing.group.memberships[0].user
        db.session.commit()
        return listing.id, slot.id, resident.email, coordinator.email


def test_free_booking_double_click_makes_one_booking(app, client):
    listing_id, slot_id, email, _ = _setup(app, capacity=4)
    login(client, email)
    form = {"slot_id": slot_id, "quantity": 2, "payment_method": "free", "idempotency_key": "form-key-0000001"}
    first = client.post(f"/listings/{listing_id}/book", data=form)
    second = client.post(f"/listings/{listing_id}/book", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.query(Booking).count() == 1
        assert db.session.get(Slot, slot_id).reserved == 2
    mine = client.get("/bookings").get_data(as_text=True)
    assert "Confirmed" in mine and "calendar.ics" in mine


def test_sold_out_offers_the_waiting_list(app, client):
    listing_id, slot_id, email, _ = _setup(app, capacity=1)
    with app.app_context():
        services.book_slot(make_user(), db.session.get(Slot, slot_id))
        db.session.commit()
    login(client, email)
    response = client.post(f"/listings/{listing_id}/book", data={
        "slot_id": slot_id, "quantity": 1, "payment_method": "free", "idempotency_key": "form-key-0000002"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Join the waiting list" in page
    # Two forms on one page, each label naming its own field.
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == [], "ids used twice on the page"
    assert '<label for="quantity"' in page and '<label for="waitlist-quantity"' in page
    joined = client.post(f"/listings/{listing_id}/waitlist", data={"slot_id": slot_id, "quantity": 1})
    assert joined.status_code == 303
    assert "Position 1 in line" in client.get("/bookings").get_data(as_text=True)


def test_waitlist_offer_passes_down_the_line(app):
    with app.app_context():
        listing, slot = make_event(capacity=1)
        holder, first, second = make_user(), make_user(), make_user()
        booking, _ = services.book_slot(holder, slot)
        entry1 = waitlist.join_waitlist(first, listing, slot)
        entry2 = waitlist.join_waitlist(second, listing, slot)
        db.session.commit()
        services.cancel_booking(booking, holder)
        db.session.commit()
        assert entry1.status == "offered" and entry2.status == "waiting"
        assert db.session.get(Slot, slot.id).reserved == 1  # held for the first in line
        # Nobody else can book the held seat meanwhile.
        assert db.session.query(Notification).filter_by(user_id=first.id).count() == 1
        # The first in line lets the offer run out: it passes to the second.
        later = utcnow() + dt.timedelta(minutes=app.config["WAITLIST_OFFER_MINUTES"] + 1)
        assert waitlist.lapse_offers(later) == 1
        db.session.commit()
        assert db.session.get(WaitlistEntry, entry1.id).status == "lapsed"
        assert db.session.get(WaitlistEntry, entry2.id).status == "offered"
        booking2 = waitlist.accept_offer(db.session.get(WaitlistEntry, entry2.id), second, "free", "offer-key-00001",
                                         now=later)
        db.session.commit()
        assert booking2.status == "confirmed" and booking2.user_id == second.id
        assert db.session.get(Slot, slot.id).reserved == 1


def test_expire_command_frees_unpaid_holds(app, runner):
    with app.app_context():
        listing, slot = make_event(capacity=2)
        booking = Booking(user_id=make_user().id, listing_id=listing.id, slot_id=slot.id, quantity=2,
                          payment_method="stripe", amount_minor=200, currency="RON", status="pending_payment",
                          pending_at=utcnow(), expires_at=utcnow() - dt.timedelta(seconds=1))
        slot.reserved = 2
        db.session.add(booking)
        db.session.commit()
        booking_id, slot_id = booking.id, slot.id
    result = runner.invoke(args=["bookings", "expire"])
    assert result.exit_code == 0 and "expired 1 unpaid hold(s)" in result.output
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "expired"
        assert db.session.get(Slot, slot_id).reserved == 0
    assert "sent 0 reminder(s)" in runner.invoke(args=["bookings", "remind"]).output


def test_cancel_late_is_refused_by_the_server(app, client):
    listing_id, slot_id, email, _ = _setup(app, starts_in=dt.timedelta(hours=3), price_minutes=60,
                                           policy={"free_cancel_hours": 24})
    with app.app_context():
        user = db.session.query(type(make_user())).filter_by(email=email).one()
        booking = Booking(user_id=user.id, listing_id=listing_id, slot_id=slot_id, quantity=1,
                          payment_method="hours", amount_minutes=60, status="confirmed", confirmed_at=utcnow())
        db.session.add(booking)
        db.session.commit()
        booking_id = booking.id
    login(client, email)
    assert "Free cancellation has ended" in client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    response = client.post(f"/bookings/{booking_id}/cancel")
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "confirmed"


def test_calendar_file(app, client):
    listing_id, slot_id, email, _ = _setup(app)
    login(client, email)
    location = client.post(f"/listings/{listing_id}/book", data={
        "slot_id": slot_id, "quantity": 1, "idempotency_key": "form-key-0000003"}).headers["Location"]
    response = client.get(location + "/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event["STATUS"] == "CONFIRMED"
    with app.app_context():
        assert event.decoded("DTSTART") == db.session.get(Slot, slot_id).starts_at.replace(microsecond=0)


def test_group_lists_exports_and_checks_in(app, client):
    listing_id, slot_id, email, coordinator_email = _setup(app)
    with app.app_context():
        resident = db.session.query(type(make_user())).filter_by(email=email).one()
        resident.display_name = "=HYPERLINK(\"x\")"
        booking, _ = services.book_slot(resident, db.session.get(Slot, slot_id))
        db.session.commit()
        booking_id = booking.id
    login(client, coordinator_email)
    page = client.get(f"/manage/slots/{slot_id}/bookings").get_data(as_text=True)
    assert "HYPERLINK" in page and "Attended" in page
    csv_text = client.get(f"/manage/slots/{slot_id}/bookings.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("booking_id,name,email")
    assert "'=HYPERLINK" in csv_text  # formulas neutralised
    assert client.post(f"/manage/bookings/{booking_id}/check-in", data={"outcome": "no_show"}).status_code == 303
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "no_show"


def test_api_booking_honours_idempotency_key(app, client):
    listing_id, slot_id, email, _ = _setup(app, capacity=3)
    login(client, email)
    body = {"listing_id": listing_id, "slot_id": slot_id, "quantity": 1}
    headers = {"Idempotency-Key": "api-key-00000001"}
    first = client.post("/api/v1/bookings", json=body, headers=headers)
    again = client.post("/api/v1/bookings", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"] and first.get_json()["status"] == "confirmed"
    bad = client.post("/api/v1/bookings", json={"listing_id": "x"})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["listing_id"]
    with app.app_context():
        assert db.session.query(Booking).count() == 1


def test_api_needs_csrf_token_unless_json(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/api/v1/bookings", data={"listing_id": 1})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"
    assert client.post("/api/v1/bookings", json={"listing_id": 1}).status_code == 401

"""Issue 4, "done when", in headless Chromium over the demo city: book a free
event (My bookings, .ics), cancel it, join the waiting list of a full date and
take the offered place, the group checks people in and exports the list; and a
card booking against the local fake Stripe, confirmed by a signed webhook (and,
when the webhook is lost, by `payments reconcile`), never by the return URL."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from models import Booking, StripeEvent
from tests.bookings_support import STRIPE_KEY, WEBHOOK_SECRET
from tests.browser.conftest import axe_violations
from tests.browser.coordinator_forms import fill_new_listing
from tests.fake_stripe import FakeStripe

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@demo.example.org"
GARDEN = "Grădina comunitară Mănăștur"
GARDEN_PACT = "Pact de colaborare: Grădina comunitară Mănăștur"
RESIDENT = "resident@demo.example.org"
RESIDENT_NAME = "Elena Moldovan"
WORKSHOP = "Atelier de altoit pomi fructiferi"
KNIVES = "Ascuțit cuțite și foarfece"  # Repair Café service, 15 RON
NEXT_WEEK = dt.date.today() + dt.timedelta(days=7)


def _flash(page) -> str:
    return page.locator(".flashes").inner_text()


def _status(page) -> str:
    return page.locator("dl.facts").inner_text()


def _my_bookings_row(page, title):
    page.get_by_role("link", name="My bookings", exact=True).click()
    return page.get_by_role("row").filter(has_text=title)


def _download(page, link) -> tuple[str, str]:
    with page.expect_download() as info:
        link.click()
    download = info.value
    with open(download.path(), encoding="utf-8") as handle:
        return download.suggested_filename, handle.read()


def test_free_booking_cancel_waitlist_offer_check_in_and_export(live_server, browser, people):
    _, base = live_server
    resident = people(base, RESIDENT)
    waiter = people(base, "ana.waits@example.org", name="Ana Waits")
    coordinator = people(base, COORDINATOR)
    axe = []

    # --- The garden publishes a free workshop with a single place. ---
    fill_new_listing(coordinator, group=GARDEN, kind="event", title=WORKSHOP, category="Workshop", pact=GARDEN_PACT)
    coordinator.get_by_role("button", name="Save").click()
    coordinator.get_by_label("Starts").fill(f"{NEXT_WEEK.isoformat()}T10:00")
    coordinator.get_by_label("Ends").fill(f"{NEXT_WEEK.isoformat()}T12:00")
    coordinator.get_by_label("Places").fill("1")
    coordinator.get_by_role("button", name="Add").click()
    assert "1 date(s) added." in _flash(coordinator)
    coordinator.get_by_role("link", name="Back to the listing").click()
    coordinator.get_by_role("button", name="Publish").click()
    assert "The listing is published." in _flash(coordinator)
    listing_url = coordinator.url

    # --- The resident books the free place: My bookings shows it, with an .ics file. ---
    resident.goto(listing_url)
    box = resident.locator(".booking-box")
    assert "Pay with: Free" in box.inner_text()
    box.get_by_role("button", name="Book").click()
    assert "Booked. See you there!" in _flash(resident)
    assert "Confirmed" in _status(resident)
    booking_id = int(re.search(r"/bookings/(\d+)$", resident.url).group(1))
    row = _my_bookings_row(resident, WORKSHOP)
    assert "Confirmed" in row.inner_text() and "Free" in row.inner_text()
    axe.append(axe_violations(browser, resident, "/bookings"))
    name, ics = _download(resident, row.get_by_role("link", name="Add to calendar (.ics)"))
    assert name == f"booking-{booking_id}.ics"
    assert "BEGIN:VCALENDAR" in ics and f"SUMMARY:{WORKSHOP}" in ics and "STATUS:CONFIRMED" in ics

    # --- The date is full: another resident joins the waiting list. ---
    waiter.goto(listing_url)
    assert "0 / 1" in waiter.locator("table").inner_text()
    axe.append(axe_violations(browser, waiter, listing_url))  # booking box with the waiting list
    waiter.get_by_role("button", name=re.compile("^Wait for ")).click()
    assert "You are on the waiting list" in _flash(waiter)
    assert "Position 1 in line" in waiter.locator("main").inner_text()

    # --- The resident cancels: the place is offered to the first in line. ---
    row = _my_bookings_row(resident, WORKSHOP)
    row.get_by_role("button", name="Cancel").click()
    assert "Your booking is cancelled." in _flash(resident)
    assert "Cancelled" in _status(resident)
    assert "Cancelled" in _my_bookings_row(resident, WORKSHOP).inner_text()

    waiter.get_by_role("link", name="Notifications").click()
    assert f"A place is free for you: {WORKSHOP}" in waiter.locator("main").inner_text()
    waiter.get_by_role("link", name="My bookings", exact=True).click()
    offer = waiter.locator("li", has_text=WORKSHOP)
    assert "A place is free for you until" in offer.inner_text()
    offer.get_by_role("button", name="Take the place").click()
    assert "Confirmed" in _status(waiter)
    axe.append(axe_violations(browser, waiter, waiter.url))  # the booking page
    assert "Confirmed" in _my_bookings_row(waiter, WORKSHOP).inner_text()

    # --- The group checks the person in and exports the list. ---
    coordinator.goto(listing_url)
    coordinator.get_by_role("link", name="Manage bookings").click()
    row = coordinator.get_by_role("row").filter(has_text=WORKSHOP)
    assert "1 / 1" in row.inner_text()
    row.get_by_role("link", name="Bookings").click()
    axe.append(axe_violations(browser, coordinator, coordinator.url))
    people_rows = coordinator.get_by_role("row").filter(has_text="Ana Waits")
    assert "Confirmed" in people_rows.inner_text()
    cancelled = coordinator.get_by_role("row").filter(has_text=RESIDENT_NAME)
    assert "Cancelled" in cancelled.inner_text() and cancelled.get_by_role("button").count() == 0
    people_rows.get_by_role("button", name=re.compile(r"^Attended\W+Ana Waits$")).click()
    assert "Checked in: Ana Waits." in _flash(coordinator)
    assert "Attended" in coordinator.get_by_role("row").filter(has_text="Ana Waits").inner_text()
    name, body = _download(coordinator, coordinator.get_by_role("link", name="Export as CSV"))
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(body)))
    listed = {r[1]: r for r in rows[1:]}
    assert "Ana Waits" in listed and listed["Ana Waits"][2] == "ana.waits@example.org"
    assert listed["Ana Waits"][4] == "attended" and listed["Ana Waits"][-1]  # checked in, with the time

    problems = [a for a in axe if a]
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def stripe_site(live_server_factory):
    """A second site configured for card payments against the local fake Stripe, which
    posts signed webhooks back to it."""
    fake = FakeStripe(webhook_secret=WEBHOOK_SECRET).start()
    app, base = live_server_factory(STRIPE_SECRET_KEY=STRIPE_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                                    STRIPE_API_BASE=fake.url)
    fake.webhook_url = f"{base}/payments/stripe/webhook"
    yield app, base, fake
    fake.stop()


def _book_by_card(page, base) -> int:
    page.get_by_role("link", name="Groups", exact=True).click()
    page.get_by_role("link", name="Repair Café Cluj").click()
    page.get_by_role("link", name=KNIVES).click()
    box = page.locator(".booking-box")
    assert "Card (Stripe) · " in box.inner_text()
    box.get_by_role("button", name="Book").click()
    assert "pay to confirm them" in _flash(page)
    assert "Waiting for payment" in _status(page)
    return int(re.search(r"/bookings/(\d+)$", page.url).group(1))


def test_card_booking_confirmed_by_signed_webhook_or_reconcile(stripe_site, people):
    app, base, fake = stripe_site
    resident = people(base, RESIDENT)

    booking_id = _book_by_card(resident, base)
    # Coming back to the return URL without paying proves nothing.
    resident.goto(f"{base}/bookings/{booking_id}/paid")
    assert "We are waiting for the payment service" in _flash(resident)
    assert "Waiting for payment" in _status(resident)

    # Pay on the (fake) Stripe page: it posts the signed webhook, then sends the resident back.
    resident.get_by_role("link", name="Pay now").click()
    assert resident.url.startswith(f"{fake.url}/pay/cs_")
    session_id = resident.url.rsplit("/", 1)[1]
    resident.get_by_role("button", name="Pay (test card)").click()
    resident.wait_for_url(re.compile(rf"/bookings/{booking_id}$"))
    assert "Confirmed" in _status(resident)
    with app.app_context():
        events = db.session.scalars(select(StripeEvent)).all()
        assert [e.type for e in events] == ["checkout.session.completed"]
        assert events[0].object_id == session_id, events[0].outcome
        booking = db.session.get(Booking, booking_id)
        assert booking.status == "confirmed" and booking.payment.status == "paid"
    assert "Confirmed" in _my_bookings_row(resident, KNIVES).inner_text()

    # A second card booking whose webhook is lost and whose resident never comes back:
    # `payments reconcile` asks Stripe and confirms it.
    fake.webhook_url = None
    second = people(base, "tutors@demo.example.org")
    second_id = _book_by_card(second, base)
    second.get_by_role("link", name="Pay now").click()
    fake.complete_session(second.url.rsplit("/", 1)[1])  # paid at Stripe; the tab is closed
    second.goto(f"{base}/bookings/{second_id}")
    assert "Waiting for payment" in _status(second)
    result = app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    assert f"booking {second_id}" in result.output and "confirmed" in result.output, result.output
    assert "Confirmed" in _my_bookings_row(second, KNIVES).inner_text()
    with app.app_context():
        assert db.session.scalar(select(StripeEvent.id).where(StripeEvent.type != "checkout.session.completed")) \
            is None

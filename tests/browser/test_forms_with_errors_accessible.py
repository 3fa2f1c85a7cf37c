"""The main forms after a submission with bad input, in headless Chromium.

The page sweep (test_every_page_accessible.py) sees forms as first loaded;
this module submits each main form with bad input through the browser (empty
required fields, a too-short password, passwords that differ, an end before
a start, zero hours, a missing reason, a search that is too long...) and
checks the page the server answers with (tests/browser/form_errors.py lists what
`_problems` checks: axe, the error summary and its links, each field in error tied to its message,
focus and the Tab order, typed values kept and passwords emptied).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from models import Listing
from tests.browser.form_errors import (
    expect_error_page,
    open_as_fixture,  # noqa: F401 (the `open_as` fixture)
)

pytestmark = pytest.mark.browser

RESIDENT = "resident@demo.example.org"
COORDINATOR = "coordinator@demo.example.org"
MODERATOR = "moderator@demo.example.org"
ADMIN = "admin@demo.example.org"
GARDEN_SLUG = "gradina-comunitara-manastur"
GARDEN_PACT = "Pact de colaborare: Grădina comunitară Mănăștur"
PLANTING_DAY = "Grădina comunitară Mănăștur: zi de plantat răsaduri"  # an event of the garden
REPORTED = "Coș de legume de sezon"


def _listing_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.title == title))


def _pending_listing(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.status == "pending_review")
                                 .order_by(Listing.id).limit(1))


# -- accounts ----------------------------------------------------------------------------------------------

def test_register_with_a_missing_name_a_short_password_and_passwords_that_differ(live_server, open_as):
    _app, base = live_server
    page = open_as()
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill("new.neighbour@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("shorter")
    page.locator("#locale").select_option("pl")
    page.get_by_role("button", name="Create my account").click()
    expect_error_page(page, "register", invalid={"display_name", "password", "confirm"},
                      kept={"#email": "new.neighbour@example.org", "#display_name": "", "#locale": "pl"},
                      emptied=("#password", "#confirm"))


def test_log_in_with_empty_fields_then_a_wrong_password(live_server, open_as):
    _app, base = live_server
    page = open_as()
    page.goto(f"{base}/login")
    page.get_by_role("button", name="Log in").click()
    expect_error_page(page, "log in, empty", invalid={"email", "password"}, kept={"#email": ""})

    page.get_by_label("Email").fill("member@demo.example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect_error_page(page, "log in, wrong password",
                      invalid=set(), kept={"#email": "member@demo.example.org"}, emptied=("#password",),
                      links=False)
    known = page.locator(".error-summary").inner_text()

    # The same words for an email nobody registered: the page does not tell whether an account exists.
    page.get_by_label("Email").fill("nobody.here@demo.example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    unknown = page.locator(".error-summary").inner_text()
    assert known == unknown, f"the refusal differs for a known ({known!r}) and an unknown ({unknown!r}) email"
    assert "The email or password is not right." in known


def test_forgot_password_with_an_email_that_is_not_one(live_server, open_as):
    _app, base = live_server
    page = open_as()
    page.goto(f"{base}/password/forgot")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Send the link").click()
    expect_error_page(page, "forgot password", invalid={"email"}, kept={"#email": "not-an-email"})


def test_change_password_too_short_and_not_repeated(live_server, open_as):
    _app, base = live_server
    page = open_as(RESIDENT)
    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Change my password").click()
    page.get_by_label("Current password").fill("commons-demo-2026")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("shirt")
    page.get_by_role("button", name="Change password").click()
    expect_error_page(page, "change password", invalid={"new_password", "confirm"}, kept={},
                      emptied=("#current_password", "#new_password", "#confirm"))


# -- groups and pacts --------------------------------------------------------------------------------------

def test_create_a_group_without_a_name_and_with_a_bad_contact_email(live_server, open_as):
    _app, base = live_server
    page = open_as(RESIDENT)
    page.goto(f"{base}/groups/new")
    page.get_by_label("Description").fill("Neighbours who fix bicycles on Saturdays.")
    page.get_by_label("Contact email").fill("bikes at example")
    page.get_by_role("button", name="Create the group").click()
    expect_error_page(page, "create a group", invalid={"name", "contact_email"},
                      kept={"#description": "Neighbours who fix bicycles on Saturdays.",
                            "#contact_email": "bikes at example"})


def test_invite_a_member_with_a_bad_email(live_server, open_as):
    _app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/groups/{GARDEN_SLUG}/manage")
    page.get_by_label("Email of the person to invite").fill("ana.example.org")
    page.get_by_label("Role", exact=True).select_option("coordinator")
    page.get_by_role("button", name="Send the invitation").click()
    expect_error_page(page, "invite a member",
                      invalid={"email"}, kept={"#email": "ana.example.org", "#role": "coordinator"})


def test_propose_a_pact_without_a_title_and_ending_before_it_starts(live_server, open_as):
    _app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/groups/{GARDEN_SLUG}/pacts/new")
    page.get_by_label("Complex: valuable assets or several city offices").check()
    page.get_by_label("Common good in the registry").select_option(index=1)
    chosen = page.get_by_label("Common good in the registry").input_value()
    page.get_by_label("Aims").fill("Care for the second garden plot.")
    page.get_by_label("Start date").fill("2027-05-01")
    page.get_by_label("End date").fill("2027-04-01")
    page.get_by_role("button", name="Save the draft").click()
    expect_error_page(page, "propose a pact", invalid={"title", "end_date"},
                      kept={"#aims": "Care for the second garden plot.", "#start_date": "2027-05-01",
                            "#end_date": "2027-04-01", "#commons_id": chosen, "#kind-1": True})


# -- listings ----------------------------------------------------------------------------------------------

def test_new_listing_without_a_title_or_a_quantity(live_server, open_as):
    _app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/groups/{GARDEN_SLUG}/listings/new")
    page.get_by_label("What are you offering?").select_option("good")
    page.get_by_label("Description").fill("Tomato seedlings in pots.")
    page.get_by_label("Under the pact").select_option(label=GARDEN_PACT)
    pact = page.get_by_label("Under the pact").input_value()
    page.get_by_role("textbox", name="Time-bank hours").fill("1:30")
    page.get_by_label("Pickup place").fill("The garden gate")
    page.get_by_role("button", name="Save").click()
    expect_error_page(page, "new listing", invalid={"title", "stock"},
                      kept={"#kind": "good", "#description": "Tomato seedlings in pots.", "#pact_id": pact,
                            "#hours": "1:30", "#pickup_place": "The garden gate"})


def test_add_event_dates_ending_before_they_start(live_server, open_as):
    app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/listings/{_listing_id(app, PLANTING_DAY)}/dates")
    page.get_by_label("Starts").fill("2030-07-10T10:00")
    page.get_by_label("Ends").fill("2030-07-10T09:00")
    page.get_by_label("Places").fill("12")
    page.get_by_role("button", name="Add", exact=True).click()
    expect_error_page(page, "add dates", invalid={"ends_at"},
                      kept={"#starts_at": "2030-07-10T10:00", "#ends_at": "2030-07-10T09:00", "#capacity": "12"})


# -- time bank ---------------------------------------------------------------------------------------------

def test_log_volunteer_hours_of_zero(live_server, open_as):
    _app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/groups/{GARDEN_SLUG}/volunteering/new")
    page.get_by_label("Pact").select_option(label=GARDEN_PACT)
    pact = page.get_by_label("Pact").input_value()
    day = dt.date.today().isoformat()
    page.get_by_label("Date of the work").fill(day)
    page.get_by_label("What was done").fill("Watering the seedlings")
    page.get_by_label("Volunteers and hours").fill(f"{RESIDENT} 0")
    page.get_by_role("button", name="Log hours").click()
    expect_error_page(page, "log volunteer hours", invalid={"volunteers"},
                      kept={"#pact_id": pact, "#worked_on": day, "#activity": "Watering the seedlings",
                            "#volunteers": f"{RESIDENT} 0"})


def test_ledger_adjustment_without_a_reason(live_server, open_as):
    _app, base = live_server
    page = open_as(ADMIN)
    page.goto(f"{base}/admin/timebank")
    page.get_by_label("Account number").fill("1")
    page.get_by_label("Debit").check()
    page.get_by_label("Hours", exact=True).fill("2")
    page.get_by_role("button", name="Save the adjustment").click()
    expect_error_page(page, "ledger adjustment", invalid={"reason"},
                      kept={"#account_id": "1", "#hours": "2", "#direction-1": True, "#reason": ""})


# -- moderation --------------------------------------------------------------------------------------------

def test_report_a_listing_without_a_reason(live_server, open_as):
    app, base = live_server
    page = open_as(RESIDENT)
    page.goto(f"{base}/listings/{_listing_id(app, REPORTED)}/report")
    page.get_by_label("Details (optional)").fill("The photo is from another year.")
    page.get_by_role("button", name="Send the report").click()
    expect_error_page(page, "report a listing",
                      invalid={"reason_code"}, kept={"#details": "The photo is from another year."})


def test_moderation_reject_without_a_reason(live_server, open_as):
    app, base = live_server
    page = open_as(MODERATOR)
    page.goto(f"{base}/moderation/listings/{_pending_listing(app)}")
    page.get_by_label("Reject", exact=True).check()
    page.get_by_label("Statement of reasons or message to the group").fill("The pickup place is not given.")
    page.get_by_role("button", name="Record the decision").click()
    expect_error_page(page, "moderation decision", invalid={"reason_code"},
                      kept={"input[name=decision][value=reject]": True,
                            "#statement": "The pickup place is not given."})


# -- search ------------------------------------------------------------------------------------------------

def test_search_that_is_too_long(live_server, open_as):
    """The box holds at most 500 characters, so a longer query only comes from a link (or an edited URL)."""
    _app, base = live_server
    page = open_as()
    words = ("roșii " * 120).strip()
    page.goto(f"{base}/search?q={words}")
    expect_error_page(page, "search, too long", invalid={"q"}, kept={"#search-q": words[:500]})


def test_search_with_bad_filters(live_server, open_as):
    _app, base = live_server
    page = open_as()
    page.goto(f"{base}/search")
    page.get_by_label("What are you looking for?").fill("rosii")
    page.get_by_text("Filters and order").click()
    page.get_by_label("From").fill("2026-06-10")
    page.get_by_label("To", exact=True).fill("2026-06-01")
    page.get_by_label("Latitude").fill("north")
    page.get_by_label("Longitude").fill("23.59")
    page.get_by_role("button", name="Apply").click()
    expect_error_page(page, "search, bad filters", invalid={"to", "lat"},
                      kept={"#search-q": "rosii", "#search-from": "2026-06-10", "#search-to": "2026-06-01",
                            "#search-lat": "north", "#search-lon": "23.59"})

"""More forms after a submission with bad input, in headless Chromium: resetting a password from the emailed
link, the profile, giving hours, a listing's booking settings and photos, a group's appeal, suspending an
account, disputing volunteer hours (the volunteer, then the moderator's decision) and booking with a choice
of payment. Each page the server answers with is checked by `_problems` (tests/browser/form_errors.py: axe,
the error summary and its links, each field in error tied to its message, focus and the Tab order, typed
values kept and passwords emptied), without reloading it.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from models import EmailMessage, Listing, User, VolunteerLog
from tests.bookings_support import STRIPE_KEY
from tests.browser.coordinator_forms import fill_volunteer_hours
from tests.browser.form_errors import (
    expect_error_page,
    open_as_fixture,  # noqa: F401 (the `open_as` fixture)
)

pytestmark = pytest.mark.browser

RESIDENT = "resident@demo.example.org"
MEMBER = "member@demo.example.org"  # a member of the garden
COORDINATOR = "coordinator@demo.example.org"
MODERATOR = "moderator@demo.example.org"
GARDEN_SLUG = "gradina-comunitara-manastur"
GARDEN_PACT = "Pact de colaborare: Grădina comunitară Mănăștur"
PLANTING_DAY = "Grădina comunitară Mănăștur: zi de plantat răsaduri"  # an event of the garden
SEEDS = "Semințe tradiționale din banca de semințe"  # a published good of the garden
TOOLS = "Împrumut de unelte de grădină"  # a published listing of the garden, hidden by the appeal test
SEEDLINGS = "Răsaduri de roșii „Inimă de bou”"  # a good priced in lei or in hours


def _listing_id(app, title: str) -> int:
    with app.app_context():
        listing_id = db.session.scalar(select(Listing.id).where(Listing.title == title))
    assert listing_id, f"no demo listing {title!r}"
    return listing_id


def _user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


@pytest.fixture(scope="module")
def gifts_and_cards_site(live_server_factory):
    """A site where residents may give hours (TIMEBANK_GIFTS_ENABLED) and card payments are on, so a listing
    priced in lei and in hours offers a choice. No card payment is started: Stripe's address leads nowhere."""
    return live_server_factory(TIMEBANK_GIFTS_ENABLED=True, STRIPE_SECRET_KEY=STRIPE_KEY,
                               STRIPE_API_BASE="http://127.0.0.1:9")


# -- accounts ----------------------------------------------------------------------------------------------

def test_reset_password_from_the_emailed_link_too_short_and_not_repeated(live_server, open_as):
    app, base = live_server
    page = open_as()
    page.goto(f"{base}/password/forgot")
    page.get_by_label("Email").fill(MEMBER)
    page.get_by_role("button", name="Send the link").click()
    assert "If an account uses this email" in page.locator(".flashes").inner_text()
    with app.app_context():
        body = db.session.scalar(select(EmailMessage.body).where(EmailMessage.recipient == MEMBER)
                                 .where(EmailMessage.body.contains("/password/reset/"))
                                 .order_by(EmailMessage.id.desc()).limit(1))
    page.goto(base + re.search(r"(/password/reset/\S+)", body).group(1))
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("shorter")
    page.get_by_role("button", name="Save the new password").click()
    expect_error_page(page, "reset password",
                      invalid={"password", "confirm"}, kept={}, emptied=("#password", "#confirm"))


def test_profile_without_a_name(live_server, open_as):
    _app, base = live_server
    page = open_as(RESIDENT)
    page.get_by_role("link", name="My account").click()
    page.get_by_label("Name to show").fill("")
    page.get_by_label("Your language (pages and messages)").select_option("it")
    page.get_by_role("button", name="Save").click()
    expect_error_page(page, "profile", invalid={"display_name"}, kept={"#display_name": "", "#locale": "it"})


# -- time bank ---------------------------------------------------------------------------------------------

def test_give_hours_of_zero_to_nobody_then_unreadable_hours_to_an_unknown_resident(gifts_and_cards_site, open_as):
    _app, base = gifts_and_cards_site
    page = open_as(RESIDENT, base=base)
    page.get_by_role("link", name="Wallet").click()
    page.get_by_role("link", name="Give hours to another resident").click()
    page.get_by_label("Hours").fill("0")
    page.get_by_label("Message (optional)").fill("For the seedlings")
    page.get_by_role("button", name="Give hours").click()
    expect_error_page(page, "give hours, zero to nobody", invalid={"recipient", "hours"},
                      kept={"#recipient": "", "#hours": "0", "#memo": "For the seedlings"})

    page.get_by_label("Email of the resident").fill("nobody.here@demo.example.org")
    page.get_by_label("Hours").fill("two hours")
    page.get_by_role("button", name="Give hours").click()
    expect_error_page(page, "give hours, unreadable to an unknown resident", invalid={"recipient", "hours"},
                      kept={"#recipient": "nobody.here@demo.example.org", "#hours": "two hours",
                            "#memo": "For the seedlings"})


def test_dispute_volunteer_hours_without_a_reason_then_decide_it_without_a_choice(live_server, open_as):
    app, base = live_server
    coordinator = open_as(COORDINATOR)
    coordinator.goto(f"{base}/groups/{GARDEN_SLUG}/volunteering/new")
    fill_volunteer_hours(coordinator, pact=GARDEN_PACT, what="Weeding the raised beds", volunteers=f"{MEMBER} 1:30")
    assert "Logged hours for 1 volunteer(s)" in coordinator.locator(".flashes").inner_text()

    # The volunteer disputes the hours without saying what is wrong.
    volunteer = open_as(MEMBER)
    volunteer.get_by_role("link", name="Wallet").click()
    volunteer.get_by_role("link", name=re.compile(r"^Grădina comunitară Mănăștur: ")).click()
    volunteer.get_by_role("button", name="Send to the moderators").click()
    expect_error_page(volunteer, "dispute volunteer hours", invalid={"reason"}, kept={"#reason": ""})
    volunteer.get_by_label("What is wrong").fill("I weeded for one hour only.")
    volunteer.get_by_role("button", name="Send to the moderators").click()
    assert "The moderators will look at it" in volunteer.locator(".flashes").inner_text()

    # A moderator decides it with the hours to credit but no decision chosen and no reason.
    with app.app_context():
        log_id = db.session.scalar(select(VolunteerLog.id).where(VolunteerLog.status == "disputed"))
    moderator = open_as(MODERATOR)
    moderator.goto(f"{base}/timebank/disputes")
    section = moderator.get_by_role("region", name=re.compile("Vlad Crișan"))
    section.get_by_label("Hours to credit (if approved)").fill("1")
    section.get_by_role("button", name="Decide").click()
    prefix = f"log{log_id}-"
    expect_error_page(moderator, "decide a volunteer dispute", invalid={f"{prefix}decision", f"{prefix}reason"},
                      kept={f"#{prefix}hours": "1", f"#{prefix}reason": "",
                            f"#{prefix}decision-0": False, f"#{prefix}decision-1": False})


# -- listings and bookings ---------------------------------------------------------------------------------

def test_booking_settings_with_no_places_and_a_negative_cancellation_time(live_server, open_as):
    app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/listings/{_listing_id(app, PLANTING_DAY)}")
    page.get_by_role("link", name="Booking settings").click()
    page.get_by_label("Most places in one booking").fill("0")
    page.get_by_label("Free cancellation until this many hours before the start").fill("-3")
    page.get_by_label("Bookings need our approval").check()
    page.get_by_role("button", name="Save").click()
    expect_error_page(page, "booking settings", invalid={"max_per_booking", "free_cancel_hours"},
                      kept={"#max_per_booking": "0", "#free_cancel_hours": "-3", "#requires_approval": True})


def test_photo_that_is_a_text_file_and_has_no_description(live_server, open_as, tmp_path):
    app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/listings/{_listing_id(app, SEEDS)}")
    page.get_by_role("link", name="Photos").click()
    fake = tmp_path / "seeds.jpg"
    fake.write_text("Not a photo: a list of seeds to sow in March.\n")
    page.get_by_label("Photo", exact=True).set_input_files(fake)
    page.get_by_role("button", name="Upload").click()
    # A file field cannot be filled in again by the page: the browser forbids it.
    expect_error_page(page, "photo upload", invalid={"photo", "alt_text"}, kept={"#alt_text": ""})
    assert "No photos yet." in page.locator("main").inner_text()


def test_book_with_no_places_and_no_way_to_pay(gifts_and_cards_site, open_as):
    app, base = gifts_and_cards_site
    page = open_as(RESIDENT, base=base)
    page.goto(f"{base}/listings/{_listing_id(app, SEEDLINGS)}")
    box = page.locator(".booking-box")
    assert box.get_by_role("radio").count() == 2, "the listing offers no choice of payment"
    box.get_by_label("How many").fill("0")
    box.get_by_role("button", name="Book").click()
    expect_error_page(page, "book, no places and no way to pay", invalid={"quantity", "payment_method"},
                      kept={"#quantity": "0", "#payment_method-0": False, "#payment_method-1": False})

    # The quantity put right, a payment still not chosen.
    page.get_by_label("How many").fill("2")
    page.get_by_role("button", name="Book").click()
    expect_error_page(page, "book, no way to pay", invalid={"payment_method"}, kept={"#quantity": "2"})


# -- moderation --------------------------------------------------------------------------------------------

def test_appeal_a_hidden_listing_without_a_message(live_server, open_as):
    app, base = live_server
    listing_id = _listing_id(app, TOOLS)
    moderator = open_as(MODERATOR)
    moderator.goto(f"{base}/moderation/listings/{listing_id}")
    moderator.get_by_label("Hide", exact=True).check()
    moderator.get_by_label("Reason code").select_option("incomplete")
    moderator.get_by_label("Statement of reasons or message to the group").fill("Say when the tools come back.")
    moderator.get_by_role("button", name="Record the decision").click()
    assert "Decision recorded" in moderator.locator(".flashes").inner_text()

    page = open_as(MEMBER)
    page.goto(f"{base}/listings/{listing_id}")
    page.get_by_role("button", name="Send the appeal").click()
    expect_error_page(page, "appeal", invalid={"message"}, kept={"#message": ""})


def test_suspend_an_account_without_a_reason(live_server, open_as):
    app, base = live_server
    page = open_as(MODERATOR)
    page.goto(f"{base}/moderation/users/{_user_id(app, RESIDENT)}")
    page.get_by_label("Reason code").select_option("spam")
    page.get_by_role("button", name="Suspend").click()
    expect_error_page(page, "suspend", invalid={"reason"}, kept={"#reason_code": "spam", "#reason": ""})

"""Every HTML page of the demo site, per role, in headless Chromium.

Each role (anonymous visitor, resident, the garden's coordinator, the tutors'
coordinator, city moderator, site admin) gets one browser context 320 px wide,
logged in through the form. Starting from a few seed pages (ids read from the
live database where no link leads there) it follows the links it finds,
checking each page whose endpoint belongs to that role's sweep (a set number
of URLs per endpoint), and every page must:

- have no serious or critical axe violation (`axe_violations`, in English);
- not scroll sideways at 320 px (`document.documentElement.scrollWidth <= 320`;
  a wide table may scroll inside its own `overflow-x: auto` container);
- have exactly one <h1>, one <main> landmark and `<html lang>` set to the
  language shown.

The width and structure checks are then repeated on the same pages in Polish
and Hungarian, the languages whose words run longest (Romanian and Italian stay
close to English; leaving them out keeps the module near 90 s).
Every problem of a role is collected and reported at once; a required endpoint
the sweep never reached is a problem too (so the sweep cannot silently shrink).
Before the sweep the garden's coordinator invites the resident, logs volunteer
hours for them and adds a photo to a free event, and the resident books
it and reports another listing, so the invitation, booking, volunteering,
notification, photo and report pages have something to show.
"""
from __future__ import annotations

import io
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from marketplace.extensions import db
from models import Booking, EmailMessage, Group, Listing, Pact
from tests.browser.conftest import axe_violations, log_in
from tests.browser.coordinator_forms import fill_volunteer_hours

pytestmark = pytest.mark.browser

WIDTH = 320
OTHER_LANGUAGES = ("pl", "hu")
RESIDENT = "resident@demo.example.org"
COORDINATOR = "coordinator@demo.example.org"
INVITEE = RESIDENT  # so the resident sees the invitation page with its "Join" button
GARDEN = "Grădina comunitară Mănăștur"
GARDEN_SLUG = "gradina-comunitara-manastur"
GARDEN_PACT = "Pact de colaborare: Grădina comunitară Mănăștur"
PLANTING_DAY = "Grădina comunitară Mănăștur: zi de plantat răsaduri"  # a free event with dates
REPORTED = "Coș de legume de sezon"  # the resident reports it

# Endpoints never checked as pages: downloads (CSV, .ics, photo files), the health check, and the Stripe
# checkout/return redirects.
NOT_PAGES = {"bookings.calendar", "bookings_manage.good_orders_csv", "bookings_manage.occurrence_csv",
             "timebank.statement_csv", "timebank.group_statement_csv", "listings.photo_file",
             "health.healthz", "static", "bookings.checkout", "bookings.paid"}


def _listing_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.title == title))


def _group_listing(app, slug: str, status: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Listing.id).join(Group, Group.id == Listing.group_id)
                                 .where(Group.slug == slug, Listing.status == status)
                                 .order_by(Listing.id).limit(1))


def _pending_listing(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.status == "pending_review")
                                 .order_by(Listing.id).limit(1))


def _booked_slot(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Booking.slot_id).where(Booking.slot_id.is_not(None))
                                 .order_by(Booking.id).limit(1))


def _pact_id(app, **where) -> int:
    with app.app_context():
        return db.session.scalar(select(Pact.id).filter_by(**where).order_by(Pact.id).limit(1))


def _invitation(app) -> str:
    """The path of the invitation the garden sent (read from the mail outbox)."""
    with app.app_context():
        body = db.session.scalar(select(EmailMessage.body).where(EmailMessage.recipient == INVITEE)
                                 .where(EmailMessage.body.contains("/groups/invitations/"))
                                 .order_by(EmailMessage.id.desc()).limit(1))
    return re.search(r"(/groups/invitations/[^\s]+)", body).group(1)


# Per role: who logs in, the seed pages (path, expected status), how many URLs of each endpoint to check
# (endpoints not named are not followed), and the endpoints the sweep must have reached.
ROLES = {
    "anonymous": {
        "email": None,
        "seeds": lambda app: [("/", 200), ("/search?q=rosii", 200), ("/no-such-page", 404),
                              ("/password/reset/not-a-valid-token", 200),
                              (f"/listings/{_listing_id(app, PLANTING_DAY)}", 200)],
        "follow": {"web.home": 1, "web.about": 1, "search.index": 2, "listings.detail": 5,
                   "groups.index": 1, "groups.detail": 4, "pacts.index": 1, "pacts.detail": 3,
                   "pacts.commons_detail": 1, "accounts.login": 1, "accounts.register": 1,
                   "accounts.forgot_password": 1, "accounts.reset_password": 1},
        "required": {"web.home", "web.about", "search.index", "listings.detail", "groups.index", "groups.detail",
                     "pacts.index", "pacts.detail", "pacts.commons_detail", "accounts.login", "accounts.register",
                     "accounts.forgot_password", "accounts.reset_password"},
    },
    "resident": {
        "email": RESIDENT,
        "seeds": lambda app: [("/account", 200), (f"/listings/{_listing_id(app, PLANTING_DAY)}", 200),
                              (f"/listings/{_listing_id(app, PLANTING_DAY)}/book", 200),
                              (f"/listings/{_listing_id(app, PLANTING_DAY)}/report", 200),
                              (_invitation(app), 200), ("/groups/invitations/not-a-token", 400),
                              ("/moderation", 403)],
        "follow": {"accounts.account": 1, "accounts.change_password": 1, "bookings.mine": 1, "bookings.detail": 1,
                   "timebank.wallet": 1, "timebank.volunteering": 1, "notifications.index": 1,
                   "groups.mine": 1, "groups.create": 1},
        "required": {"accounts.account", "accounts.change_password", "bookings.mine", "bookings.detail",
                     "timebank.wallet", "timebank.volunteering", "notifications.index", "groups.mine",
                     "groups.create"},
    },
    "coordinator": {
        "email": COORDINATOR,
        "seeds": lambda app: [("/my/groups", 200),
                              (f"/listings/{_group_listing(app, GARDEN_SLUG, 'draft')}", 200),
                              (f"/listings/{_group_listing(app, GARDEN_SLUG, 'hidden')}", 200),
                              (f"/listings/{_group_listing(app, GARDEN_SLUG, 'hidden')}/appeal", 200),
                              (f"/listings/{_listing_id(app, PLANTING_DAY)}", 200),
                              (f"/manage/slots/{_booked_slot(app)}/bookings", 200)],
        "follow": {"groups.mine": 1, "groups.manage": 1, "groups.edit": 1, "listings.create": 1,
                   "listings.detail": 3, "listings.edit": 2, "listings.dates": 1, "listings.photo_list": 2,
                   "bookings_manage.overview": 1, "bookings_manage.occurrence": 3,
                   "bookings_manage.good_orders": 1, "bookings_manage.policy": 1, "timebank.group_wallet": 1,
                   "timebank.log_hours": 1, "timebank.volunteering": 1, "pacts.propose": 1},
        "required": {"groups.mine", "groups.manage", "groups.edit", "listings.create", "listings.edit",
                     "listings.dates", "listings.photo_list", "bookings_manage.overview",
                     "bookings_manage.occurrence", "timebank.group_wallet", "timebank.log_hours",
                     "timebank.volunteering", "pacts.propose"},
    },
    # The coordinator of the tutors: a group whose listings the city reviews, with a draft pact.
    "tutors": {
        "email": "tutors@demo.example.org",
        "seeds": lambda app: [("/my/groups", 200), (f"/pacts/{_pact_id(app, status='draft')}", 200),
                              (f"/listings/{_pending_listing(app)}", 200)],
        "follow": {"groups.manage": 1, "pacts.edit": 1},
        "required": {"groups.manage", "pacts.detail", "pacts.edit", "listings.detail"},
    },
    "moderator": {
        "email": "moderator@demo.example.org",
        "seeds": lambda app: [("/moderation", 200), (f"/moderation/listings/{_pending_listing(app)}", 200),
                              (f"/moderation/listings/{_listing_id(app, REPORTED)}", 200),
                              ("/pacts/review", 200)],
        "follow": {"moderation.queue_index": 6, "moderation.listing": 3, "moderation.audit_log": 1,
                   "moderation.user_index": 1, "moderation.user_detail": 2, "pacts.detail": 2,
                   "timebank.disputes": 1, "timebank.pact_funding": 1},  # linked from each pact page
        "required": {"moderation.queue_index", "moderation.listing", "moderation.audit_log",
                     "moderation.user_index", "moderation.user_detail", "pacts.review_queue", "pacts.detail",
                     "timebank.pact_funding"},
    },
    "admin": {
        "email": "admin@demo.example.org",
        "seeds": lambda app: [("/admin/timebank", 200), ("/timebank/disputes", 200)],
        "follow": {"timebank.admin_accounts": 1, "timebank.admin_account": 2, "timebank.disputes": 1},
        "required": {"timebank.admin_accounts", "timebank.admin_account"},
    },
}

# What a page looks like at 320 px: structure, and the elements that stick out on the right (the innermost
# ones, outside any container that scrolls sideways by itself) when the page scrolls sideways.
MEASURE = """(width) => {
  const doc = document.documentElement;
  const scrollsItself = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' "' + (el.getAttribute('alt') || el.textContent || '').trim().slice(0, 40) + '"';
  const wide = [];
  if (doc.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      if (el.getBoundingClientRect().right <= width + 0.5 || scrollsItself(el)) continue;
      const child = [...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5);
      if (!child) wide.push(describe(el) + ' right=' + Math.round(el.getBoundingClientRect().right));
      if (wide.length >= 4) break;
    }
  }
  return {h1: document.querySelectorAll('h1').length,
          main: document.querySelectorAll('main, [role=main]').length,
          lang: doc.getAttribute('lang') || '', scrollWidth: doc.scrollWidth, wide: wide};
}"""


def _check(page, base, path, status, lang="en") -> list[str]:
    """Status, structure and width of `path` as `page` sees it."""
    response = page.goto(base + path)
    problems = []
    if response is None or response.status != status:
        problems.append(f"status {response.status if response else None}, expected {status}")
    facts = page.evaluate(MEASURE, WIDTH)
    if facts["h1"] != 1:
        problems.append(f"{facts['h1']} <h1> elements (want exactly 1)")
    if facts["main"] != 1:
        problems.append(f"{facts['main']} <main> landmarks (want exactly 1)")
    if facts["lang"] != lang:
        problems.append(f"<html lang> is {facts['lang']!r}, expected {lang!r}")
    if facts["scrollWidth"] > WIDTH:
        problems.append(f"scrolls sideways at {WIDTH}px (scrollWidth {facts['scrollWidth']}): {facts['wide']}")
    return [f"{path} [{lang}]: {p}" for p in problems]


def _axe(browser, page, path) -> list[str]:
    found = axe_violations(browser, page, path)
    return [f"{line} [en, axe]" for line in found.splitlines()] if found else []


def _choose_language(page, code):
    page.locator("#language-select").select_option(code)
    page.locator(".language-form button[type=submit]").click()


def _links(page, base) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map((a) => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _endpoint(adapter, path: str) -> str | None:
    parts = urlsplit(path)
    try:
        endpoint, _ = adapter.match(parts.path, method="GET", query_args=parts.query)
    except (HTTPException, RequestRedirect):
        return None
    return endpoint


def _sweep(app, base, browser, role) -> tuple[list[str], list[str]]:
    """Check the role's pages; return (pages checked, problems)."""
    spec = ROLES[role]
    adapter = app.url_map.bind("127.0.0.1")
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        if spec["email"]:
            log_in(page, base, spec["email"])
        queue = deque(spec["seeds"](app))
        taken: dict[str, int] = {}
        seen = {path for path, _ in queue}
        for path, _ in queue:
            endpoint = _endpoint(adapter, path)
            if endpoint:
                taken[endpoint] = taken.get(endpoint, 0) + 1
        checked, problems = [], []
        while queue:
            path, status = queue.popleft()
            checked.append((path, status))
            problems += _check(page, base, path, status)
            problems += _axe(browser, page, path)
            for link in _links(page, base):
                endpoint = _endpoint(adapter, link)
                if (link in seen or endpoint in NOT_PAGES or endpoint not in spec["follow"]
                        or taken.get(endpoint, 0) >= spec["follow"][endpoint]):
                    continue
                seen.add(link)
                taken[endpoint] = taken.get(endpoint, 0) + 1
                queue.append((link, 200))
        problems += [f"never reached a page of {endpoint} (no link led there)"
                     for endpoint in sorted(spec["required"] - set(taken))]
        # Translations run longer than English (Hungarian above all): the same pages, in Polish and Hungarian.
        for code in OTHER_LANGUAGES:
            _choose_language(page, code)
            for path, status in checked:
                problems += _check(page, base, path, status, lang=code)
        _choose_language(page, "en")
        return [path for path, _ in checked], problems
    finally:
        context.close()


@pytest.fixture(scope="module")
def demo_activity(live_server, browser):
    """The garden's coordinator invites the resident, logs 2 h for the resident and adds a photo to the
    planting day; the resident books it and reports another listing."""
    app, base = live_server
    for email, act in ((COORDINATOR, _log_hours_and_invite), (RESIDENT, _book_and_report)):
        context = browser.new_context(locale="en-GB")
        try:
            page = context.new_page()
            page.set_default_timeout(10_000)
            log_in(page, base, email)
            act(app, base, page)
        finally:
            context.close()
    return live_server


def _log_hours_and_invite(app, base, page):
    page.goto(f"{base}/groups/{GARDEN_SLUG}/manage")
    page.get_by_label("Email of the person to invite").fill(INVITEE)
    page.get_by_role("button", name="Send the invitation").click()
    assert f"The invitation is sent to {INVITEE}." in page.locator(".flashes").inner_text()
    page.goto(f"{base}/groups/{GARDEN_SLUG}/volunteering/new")
    fill_volunteer_hours(page, pact=GARDEN_PACT, what="Weeding the raised beds", volunteers=f"{RESIDENT} 2")
    assert "Logged hours for 1 volunteer(s)" in page.locator(".flashes").inner_text()
    _add_a_photo(app, base, page)


def _add_a_photo(app, base, page):
    """A landscape photo on the planting day: its thumbnail is 400 px wide, more than a 320 px screen."""
    picture = io.BytesIO()
    Image.new("RGB", (800, 500), (60, 130, 70)).save(picture, format="PNG")
    page.goto(f"{base}/listings/{_listing_id(app, PLANTING_DAY)}/photos")
    page.get_by_label("Photo", exact=True).set_input_files(
        files=[{"name": "beds.png", "mimeType": "image/png", "buffer": picture.getvalue()}])
    page.get_by_label("Describe the photo").fill("Raised beds with seedlings")
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_role("img", name="Raised beds with seedlings").count() == 1


def _book_and_report(app, base, page):
    page.goto(f"{base}/listings/{_listing_id(app, PLANTING_DAY)}")
    page.locator(".booking-box").get_by_role("button", name="Book").click()
    assert "Booked. See you there!" in page.locator(".flashes").inner_text()
    page.goto(f"{base}/listings/{_listing_id(app, REPORTED)}/report")
    page.get_by_role("radio").first.check()
    page.get_by_label("Details (optional)").fill("The photo shows last year's vegetables.")
    page.get_by_role("button", name="Send the report").click()
    assert "Your report was sent" in page.locator(".flashes").inner_text()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_the_role_is_accessible_and_fits_320px(demo_activity, browser, role):
    app, base = demo_activity
    checked, problems = _sweep(app, base, browser, role)
    assert not problems, (f"{role}: {len(problems)} problem(s) on {len(checked)} pages checked:\n"
                          + "\n".join(problems) + "\n\nchecked: " + ", ".join(checked))

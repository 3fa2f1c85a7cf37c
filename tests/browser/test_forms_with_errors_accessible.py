"""The main forms after a submission with bad input, in headless Chromium.

The page sweep (test_every_page_accessible.py) sees forms as first loaded;
this module submits each main form with bad input through the browser (empty
required fields, a too-short password, passwords that differ, an end before
a start, zero hours, a missing reason, a search that is too long...) and
checks the page the server answers with, without reloading it (a reload
would lose the errors):

1. no serious or critical axe violation (axe runs on the current page, so
   each person's browser context relaxes the CSP, which forbids injected scripts);
2. an error summary with role="alert"; each of its links points (href="#id")
   at a field on the page; every field in error (every control of a radio
   group) has aria-invalid="true" and an aria-describedby naming its visible
   error message; every error message shown next to a field is named so;
   every field marked invalid has a link in the summary;
3. keyboard: focus is on the error summary (static/js/error-summary.js moves
   it there), Tab then reaches the summary's first link; without JavaScript
   the summary comes before the form's fields, so Tab from the top reaches it
   first (no positive tabindex on the page);
4. what the person typed is still in the fields, except passwords, which are empty.
"""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.extensions import db
from models import Listing
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

RESIDENT = "resident@demo.example.org"
COORDINATOR = "coordinator@demo.example.org"
MODERATOR = "moderator@demo.example.org"
ADMIN = "admin@demo.example.org"
GARDEN_SLUG = "gradina-comunitara-manastur"
GARDEN_PACT = "Pact de colaborare: Grădina comunitară Mănăștur"
PLANTING_DAY = "Grădina comunitară Mănăștur: zi de plantat răsaduri"  # an event of the garden
REPORTED = "Coș de legume de sezon"

# Facts about the error summaries, the fields in error and the error messages of the current page.
FACTS = """() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const controlsOf = (el) => el.matches('input, select, textarea') ? [el]
      : [...el.querySelectorAll('input, select, textarea')];
  const describe = (c) => ({
    name: c.name, id: c.id, invalid: c.getAttribute('aria-invalid'),
    messages: (c.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean).map((ref) => {
      const m = document.getElementById(ref);
      return m ? {id: ref, error: m.classList.contains('error'), visible: visible(m), text: m.innerText.trim()}
               : {id: ref, missing: true};
    }),
  });
  const summaries = [...document.querySelectorAll('.error-summary')].map((s) => ({
    role: s.getAttribute('role'),
    text: s.innerText.trim(),
    links: [...s.querySelectorAll('a')].map((a) => {
      const href = a.getAttribute('href') || '';
      const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
      const controls = target ? controlsOf(target) : [];
      const form = controls.length ? controls[0].form : null;
      const group = controls.length && form
          ? [...form.elements].filter((c) => c.name === controls[0].name && c.type !== 'hidden') : controls;
      return {href: href, text: a.innerText.trim(), target: !!target, name: controls.length ? controls[0].name : null,
              controls: group.map(describe)};
    }),
    // With no JavaScript, Tab from the top must reach the summary before the first field of its form (the
    // form of the field its first link leads to, or else the first form after it).
    beforeForm: (() => {
      const link = s.querySelector('a[href^="#"]');
      const target = link ? document.getElementById(link.getAttribute('href').slice(1)) : null;
      const form = (target && target.form) || [...document.querySelectorAll('main form')]
          .find((f) => s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
      const field = form && [...form.elements].find((c) => c.type !== 'hidden' && c.matches('input, select, textarea'));
      return !field || !!(s.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING);
    })(),
  }));
  const invalid = [...document.querySelectorAll('[aria-invalid=true]')].map(describe);
  const described = new Set([...document.querySelectorAll('[aria-describedby]')]
      .flatMap((c) => c.getAttribute('aria-describedby').split(/\\s+/)));
  const orphans = [...document.querySelectorAll('main form .error')].filter((m) => visible(m))
      .filter((m) => !m.id || !described.has(m.id)).map((m) => m.innerText.trim());
  const positiveTabindex = document.querySelectorAll('[tabindex]:not([tabindex="-1"]):not([tabindex="0"])').length;
  return {summaries, invalid, orphans, positiveTabindex};
}"""


@pytest.fixture
def open_as(browser, live_server):
    """`open_as(email)` → a page in its own browser context that may run axe (CSP bypassed), logged in as
    `email` in English (`None`: an anonymous visitor)."""
    _app, base = live_server
    contexts = []

    def opened(email=None):
        context = browser.new_context(bypass_csp=True, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if email:
            log_in(page, base, email)
        return page

    yield opened
    for context in contexts:
        context.close()


def _listing_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.title == title))


def _pending_listing(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.status == "pending_review")
                                 .order_by(Listing.id).limit(1))


def _axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"axe: {v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def _value(page, selector: str):
    field = page.locator(selector)
    if field.get_attribute("type") in ("radio", "checkbox"):
        return field.is_checked()
    return field.input_value()


def _problems(page, *, invalid: set[str], kept: dict[str, object], emptied: tuple[str, ...] = (),
              links: bool = True) -> list[str]:
    """Everything wrong with the error page now shown. `invalid`: names of the fields that must be in error;
    `kept`: selector → the value (or checked state) it must still have; `emptied`: password fields that must
    be empty; `links=False` when the only error is not about a field (a refused login)."""
    problems = []
    # 3. Focus: on the summary once the page has loaded (before anything else moves it).
    summary = page.locator(".error-summary").first
    try:
        expect(summary).to_be_focused(timeout=5_000)
    except AssertionError:
        active = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 80)")
        problems.append(f"focus is not on the error summary after the submission but on {active}")

    facts = page.evaluate(FACTS)
    # 2. The summary and the fields.
    if not facts["summaries"]:
        return problems + ["no error summary on the page"]
    linked = set()
    for s in facts["summaries"]:
        if s["role"] != "alert":
            problems.append(f"error summary has role={s['role']!r}, not 'alert'")
        if not s["beforeForm"]:
            problems.append("the error summary comes after the form's first field (Tab reaches the field first)")
        for link in s["links"]:
            if not link["href"].startswith("#") or not link["target"]:
                problems.append(f"summary link {link['text']!r} points at {link['href']!r}: no such element")
                continue
            if not link["controls"]:
                problems.append(f"summary link {link['text']!r} points at {link['href']!r}, which holds no field")
                continue
            linked.add(link["name"])
            for control in link["controls"]:
                problems += _field_problems(control)
    if links and not invalid <= linked:
        problems.append(f"the summary has no link to the fields {sorted(invalid - linked)} (links: {sorted(linked)})")
    for control in facts["invalid"]:
        problems += _field_problems(control)
        if control["name"] not in linked:
            problems.append(f"field {control['name']!r} is marked invalid but the summary has no link to it")
    problems += [f"error message {text!r} is not tied to its field (no aria-describedby names it)"
                 for text in facts["orphans"]]
    if facts["positiveTabindex"]:
        problems.append(f"{facts['positiveTabindex']} element(s) with a positive tabindex change the Tab order")

    # 4. What the person typed.
    for selector, expected in kept.items():
        value = _value(page, selector)
        if value != expected:
            problems.append(f"{selector} holds {str(value)[:60]!r} after the submission, not what was typed "
                            f"({str(expected)[:60]!r})")
    for selector in emptied:
        if _value(page, selector):
            problems.append(f"password field {selector} is sent back filled in")

    # 1. axe on the page as it is.
    problems += _axe(page)

    # 3. Keyboard: from the focused summary, Tab reaches the summary's first link.
    first_link = summary.locator("a").first
    if links and first_link.count() and page.evaluate("() => !!document.activeElement.closest('.error-summary')"):
        page.keyboard.press("Tab")
        if not first_link.evaluate("(a) => a === document.activeElement"):
            problems.append("Tab from the error summary does not reach its first link")
    return problems


def _field_problems(control) -> list[str]:
    name = control["name"] or control["id"]
    problems = []
    if control["invalid"] != "true":
        problems.append(f"field {name!r} ({control['id']}) in error has no aria-invalid=\"true\"")
    missing = [m["id"] for m in control["messages"] if m.get("missing")]
    if missing:
        problems.append(f"field {name!r} ({control['id']}): aria-describedby names missing elements {missing}")
    if not any(m.get("error") and m.get("visible") and m.get("text") for m in control["messages"]):
        problems.append(f"field {name!r} ({control['id']}): aria-describedby does not name a visible error message")
    return problems


def _report(problems: list[str], where: str) -> str:
    return f"{where}: {len(problems)} problem(s):\n" + "\n".join(problems)


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
    problems = _problems(page, invalid={"display_name", "password", "confirm"},
                         kept={"#email": "new.neighbour@example.org", "#display_name": "", "#locale": "pl"},
                         emptied=("#password", "#confirm"))
    assert not problems, _report(problems, "register")


def test_log_in_with_empty_fields_then_a_wrong_password(live_server, open_as):
    _app, base = live_server
    page = open_as()
    page.goto(f"{base}/login")
    page.get_by_role("button", name="Log in").click()
    problems = _problems(page, invalid={"email", "password"}, kept={"#email": ""})
    assert not problems, _report(problems, "log in, empty")

    page.get_by_label("Email").fill("member@demo.example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    problems = _problems(page, invalid=set(), kept={"#email": "member@demo.example.org"}, emptied=("#password",),
                         links=False)
    assert not problems, _report(problems, "log in, wrong password")
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
    problems = _problems(page, invalid={"email"}, kept={"#email": "not-an-email"})
    assert not problems, _report(problems, "forgot password")


def test_change_password_too_short_and_not_repeated(live_server, open_as):
    _app, base = live_server
    page = open_as(RESIDENT)
    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Change my password").click()
    page.get_by_label("Current password").fill("commons-demo-2026")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("shirt")
    page.get_by_role("button", name="Change password").click()
    problems = _problems(page, invalid={"new_password", "confirm"}, kept={},
                         emptied=("#current_password", "#new_password", "#confirm"))
    assert not problems, _report(problems, "change password")


# -- groups and pacts --------------------------------------------------------------------------------------

def test_create_a_group_without_a_name_and_with_a_bad_contact_email(live_server, open_as):
    _app, base = live_server
    page = open_as(RESIDENT)
    page.goto(f"{base}/groups/new")
    page.get_by_label("Description").fill("Neighbours who fix bicycles on Saturdays.")
    page.get_by_label("Contact email").fill("bikes at example")
    page.get_by_role("button", name="Create the group").click()
    problems = _problems(page, invalid={"name", "contact_email"},
                         kept={"#description": "Neighbours who fix bicycles on Saturdays.",
                               "#contact_email": "bikes at example"})
    assert not problems, _report(problems, "create a group")


def test_invite_a_member_with_a_bad_email(live_server, open_as):
    _app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/groups/{GARDEN_SLUG}/manage")
    page.get_by_label("Email of the person to invite").fill("ana.example.org")
    page.get_by_label("Role", exact=True).select_option("coordinator")
    page.get_by_role("button", name="Send the invitation").click()
    problems = _problems(page, invalid={"email"}, kept={"#email": "ana.example.org", "#role": "coordinator"})
    assert not problems, _report(problems, "invite a member")


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
    problems = _problems(page, invalid={"title", "end_date"},
                         kept={"#aims": "Care for the second garden plot.", "#start_date": "2027-05-01",
                               "#end_date": "2027-04-01", "#commons_id": chosen, "#kind-1": True})
    assert not problems, _report(problems, "propose a pact")


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
    problems = _problems(page, invalid={"title", "stock"},
                         kept={"#kind": "good", "#description": "Tomato seedlings in pots.", "#pact_id": pact,
                               "#hours": "1:30", "#pickup_place": "The garden gate"})
    assert not problems, _report(problems, "new listing")


def test_add_event_dates_ending_before_they_start(live_server, open_as):
    app, base = live_server
    page = open_as(COORDINATOR)
    page.goto(f"{base}/listings/{_listing_id(app, PLANTING_DAY)}/dates")
    page.get_by_label("Starts").fill("2030-07-10T10:00")
    page.get_by_label("Ends").fill("2030-07-10T09:00")
    page.get_by_label("Places").fill("12")
    page.get_by_role("button", name="Add", exact=True).click()
    problems = _problems(page, invalid={"ends_at"},
                         kept={"#starts_at": "2030-07-10T10:00", "#ends_at": "2030-07-10T09:00", "#capacity": "12"})
    assert not problems, _report(problems, "add dates")


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
    problems = _problems(page, invalid={"volunteers"},
                         kept={"#pact_id": pact, "#worked_on": day, "#activity": "Watering the seedlings",
                               "#volunteers": f"{RESIDENT} 0"})
    assert not problems, _report(problems, "log volunteer hours")


def test_ledger_adjustment_without_a_reason(live_server, open_as):
    _app, base = live_server
    page = open_as(ADMIN)
    page.goto(f"{base}/admin/timebank")
    page.get_by_label("Account number").fill("1")
    page.get_by_label("Debit").check()
    page.get_by_label("Hours", exact=True).fill("2")
    page.get_by_role("button", name="Save the adjustment").click()
    problems = _problems(page, invalid={"reason"},
                         kept={"#account_id": "1", "#hours": "2", "#direction-1": True, "#reason": ""})
    assert not problems, _report(problems, "ledger adjustment")


# -- moderation --------------------------------------------------------------------------------------------

def test_report_a_listing_without_a_reason(live_server, open_as):
    app, base = live_server
    page = open_as(RESIDENT)
    page.goto(f"{base}/listings/{_listing_id(app, REPORTED)}/report")
    page.get_by_label("Details (optional)").fill("The photo is from another year.")
    page.get_by_role("button", name="Send the report").click()
    problems = _problems(page, invalid={"reason_code"}, kept={"#details": "The photo is from another year."})
    assert not problems, _report(problems, "report a listing")


def test_moderation_reject_without_a_reason(live_server, open_as):
    app, base = live_server
    page = open_as(MODERATOR)
    page.goto(f"{base}/moderation/listings/{_pending_listing(app)}")
    page.get_by_label("Reject", exact=True).check()
    page.get_by_label("Statement of reasons or message to the group").fill("The pickup place is not given.")
    page.get_by_role("button", name="Record the decision").click()
    problems = _problems(page, invalid={"reason_code"},
                         kept={"input[name=decision][value=reject]": True,
                               "#statement": "The pickup place is not given."})
    assert not problems, _report(problems, "moderation decision")


# -- search ------------------------------------------------------------------------------------------------

def test_search_that_is_too_long(live_server, open_as):
    """The box holds at most 500 characters, so a longer query only comes from a link (or an edited URL)."""
    _app, base = live_server
    page = open_as()
    words = ("roșii " * 120).strip()
    page.goto(f"{base}/search?q={words}")
    problems = _problems(page, invalid={"q"}, kept={"#search-q": words[:500]})
    assert not problems, _report(problems, "search, too long")


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
    problems = _problems(page, invalid={"to", "lat"},
                         kept={"#search-q": "rosii", "#search-from": "2026-06-10", "#search-to": "2026-06-01",
                               "#search-lat": "north", "#search-lon": "23.59"})
    assert not problems, _report(problems, "search, bad filters")

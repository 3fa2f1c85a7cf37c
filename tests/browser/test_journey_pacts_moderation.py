"""Issue 3, "done when", in headless Chromium over the demo city: a coordinator
proposes a pact, a moderator reviews and activates it, the coordinator publishes
an event under it (the group is reviewed, so a moderator approves it), three
new residents report it, it is hidden, the group appeals and a moderator
restores it. Each step is checked on the pages, in the notifications and in the
audit log, and bad input on the way gets a clear message."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.coordinator_forms import fill_new_listing

pytestmark = pytest.mark.browser

COORDINATOR = "tutors@demo.example.org"  # Cluj Community Tutors: the city reviews its listings
GROUP = "Cluj Community Tutors"
MODERATOR = "moderator@demo.example.org"
PACT = "Grădina de lectură din Parcul Feroviarilor"
EVENT = "Club de lectură în parc"
TODAY = dt.date.today()
NEXT_WEEK = TODAY + dt.timedelta(days=7)


def _flash(page) -> str:
    return page.locator(".flashes").inner_text()


def _notifications(page, base) -> str:
    page.goto(f"{base}/notifications")
    return page.locator("main").inner_text()


def _audit(page, base, object_type, object_id) -> list[str]:
    """Fill the audit log's filter form; the actions shown, oldest first."""
    page.goto(f"{base}/moderation")
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Object type").fill(object_type)
    page.get_by_label("Object id").fill(str(object_id))
    page.get_by_role("button", name="Filter").click()
    return list(reversed(page.locator("table.audit tbody td code").all_inner_texts()))


def _is_public(browser, base, listing_id) -> bool:
    context = browser.new_context(locale="en-GB")
    try:
        response = context.new_page().goto(f"{base}/listings/{listing_id}")
        return response.status == 200
    finally:
        context.close()


def test_pact_event_reports_appeal_restore(live_server, browser, people):
    _, base = live_server
    moderator = people(base, MODERATOR)  # logs in first so the city's notices reach them in English
    coordinator = people(base, COORDINATOR)
    axe = []

    # --- The coordinator proposes a pact for a new common good. ---
    coordinator.get_by_role("link", name="My groups").click()
    coordinator.get_by_role("link", name=GROUP).click()
    coordinator.get_by_role("link", name="Propose a pact").click()
    assert coordinator.get_by_role("heading", level=1).inner_text() == "Propose a pact"
    axe.append(axe_violations(browser, coordinator, "/groups/cluj-community-tutors/pacts/new"))
    coordinator.get_by_label("Title").fill(PACT)
    coordinator.get_by_label("Ordinary: small, recurring care").check()
    coordinator.get_by_label("Propose a new one").check()
    coordinator.get_by_label("Name of the new common good").fill("Parcul Feroviarilor, colțul de nord")
    coordinator.get_by_label("Kind of place").select_option(label="Green area")
    coordinator.get_by_label("Address").fill("Strada Alexandru Vlahuță 2, Cluj-Napoca")
    coordinator.get_by_label("District").fill("Iris")
    coordinator.get_by_label("Latitude").fill("46.7843")
    coordinator.get_by_label("Longitude").fill("23.5719")
    coordinator.get_by_label("Aims").fill("A reading corner for the pupils of the neighbourhood.")
    coordinator.get_by_label("Activities").fill("Weekly reading club, book swaps.")
    coordinator.get_by_label("What the group commits to").fill("Bring and collect the books, keep the corner tidy.")
    coordinator.get_by_label("What the group asks of the city").fill("Two benches and a weatherproof bookcase.")
    # Bad input: the end date before the start date.
    coordinator.get_by_label("Start date").fill(NEXT_WEEK.isoformat())
    coordinator.get_by_label("End date").fill(TODAY.isoformat())
    coordinator.get_by_role("button", name="Save the draft").click()
    alert = coordinator.get_by_role("alert")
    assert "There is a problem" in alert.inner_text()
    assert "The end date must be after the start date." in alert.inner_text()
    assert coordinator.get_by_label("End date").get_attribute("aria-invalid") == "true"
    assert coordinator.get_by_label("Title").input_value() == PACT  # what was typed is kept
    coordinator.get_by_label("End date").fill((NEXT_WEEK + dt.timedelta(days=365)).isoformat())
    coordinator.get_by_role("button", name="Save the draft").click()
    assert "Your draft is saved" in _flash(coordinator)
    pact_id = int(re.search(r"/pacts/(\d+)$", coordinator.url).group(1))
    coordinator.get_by_role("button", name="Submit to the city").click()
    assert "The pact is submitted" in _flash(coordinator)
    assert "Submitted" in coordinator.locator("dl.facts").inner_text()

    # --- The moderator is told, finds it in the queue, starts the review and activates it. ---
    assert f"New pact proposal: {PACT}" in _notifications(moderator, base)
    moderator.get_by_role("link", name="Moderation").click()
    axe.append(axe_violations(browser, moderator, "/moderation"))
    moderator.get_by_role("link", name=re.compile("^Pacts to review")).click()
    moderator.get_by_role("link", name=PACT).click()
    assert moderator.get_by_role("heading", level=1).inner_text() == PACT
    axe.append(axe_violations(browser, moderator, f"/pacts/{pact_id}"))  # with the decision forms
    moderator.get_by_role("button", name="Start the review").click()
    assert "Decision saved: Start the review." in _flash(moderator)
    # Bad input: rejecting without reasons is refused, and nothing changes.
    moderator.get_by_role("button", name="Reject").click()
    assert "Write the reasons for this decision" in moderator.get_by_role("alert").inner_text()
    assert "Under review" in moderator.locator("dl.facts").inner_text()
    moderator.get_by_role("button", name="Activate the pact").click()
    assert "Decision saved: Activate the pact." in _flash(moderator)
    assert "Active" in moderator.locator("dl.facts").inner_text()

    notes = _notifications(coordinator, base)
    assert f"Pact “{PACT}”: The city started reviewing the pact." in notes
    assert f"Pact “{PACT}”: The pact is active: you can now publish listings under it." in notes

    # --- The coordinator creates an event with a date under the pact and sends it for review. ---
    fill_new_listing(coordinator, group=GROUP, kind="event", title=EVENT, category="Culture", pact=PACT,
                     description="Bring a **book** you liked.")
    coordinator.get_by_role("button", name="Save").click()
    assert "The listing is saved as a draft." in _flash(coordinator)
    listing_id = int(re.search(r"/listings/(\d+)/dates", coordinator.url).group(1))
    # Bad input: an end before the start.
    coordinator.get_by_label("Starts").fill(f"{NEXT_WEEK.isoformat()}T17:00")
    coordinator.get_by_label("Ends").fill(f"{NEXT_WEEK.isoformat()}T16:00")
    coordinator.get_by_label("Places").fill("12")
    coordinator.get_by_role("button", name="Add").click()
    assert "There is a problem" in coordinator.get_by_role("alert").inner_text()
    coordinator.get_by_label("Ends").fill(f"{NEXT_WEEK.isoformat()}T18:30")
    coordinator.get_by_role("button", name="Add").click()
    assert "1 date(s) added." in _flash(coordinator)
    coordinator.get_by_role("link", name="Back to the listing").click()
    coordinator.get_by_role("button", name="Send for review").click()
    assert "sent to the city for review" in _flash(coordinator)
    assert not _is_public(browser, base, listing_id)

    # --- A moderator approves it from the queue. ---
    moderator.get_by_role("link", name="Moderation").click()
    moderator.get_by_role("link", name=re.compile("^Waiting for review")).click()
    moderator.get_by_role("link", name=EVENT).click()
    axe.append(axe_violations(browser, moderator, f"/moderation/listings/{listing_id}"))
    # Bad input: no decision chosen.
    moderator.get_by_role("button", name="Record the decision").click()
    assert "Choose one option." in moderator.locator("main").inner_text()
    moderator.get_by_label("Approve and publish").check()
    moderator.get_by_role("button", name="Record the decision").click()
    assert "Decision recorded" in _flash(moderator)
    assert _is_public(browser, base, listing_id)
    assert f"Your listing “{EVENT}” is published" in _notifications(coordinator, base)
    coordinator.goto(f"{base}/pacts/{pact_id}")
    assert EVENT in coordinator.locator("main").inner_text()

    # --- Three new residents report it; the third report hides it. ---
    for n in range(3):
        resident = people(base, f"vecin{n}@example.org", name=f"Vecin {n}")
        resident.goto(f"{base}/listings/{listing_id}")
        resident.get_by_text("Report this listing").click()
        if n == 0:  # bad input: no reason chosen
            resident.get_by_role("button", name="Send the report").click()
            assert "Choose one option." in resident.locator("main").inner_text()
            resident.goto(f"{base}/listings/{listing_id}")
            resident.get_by_text("Report this listing").click()
        resident.get_by_label("Wrong or misleading information").check()
        resident.get_by_label("Details (optional)").fill(f"The time is wrong ({n}).")
        resident.get_by_role("button", name="Send the report").click()
        assert "Your report was sent" in _flash(resident)
        assert _is_public(browser, base, listing_id) == (n < 2)

    # --- The group is told, sees why, and appeals (an empty appeal first). ---
    assert f"Your listing “{EVENT}” was hidden after several reports" in _notifications(coordinator, base)
    coordinator.goto(f"{base}/listings/{listing_id}")
    box = coordinator.locator(".moderation-box")
    assert "Hidden automatically after reports" in box.inner_text()
    assert "Wrong or misleading information" in box.inner_text()
    coordinator.get_by_role("button", name="Send the appeal").click()
    assert "This field is required." in coordinator.locator("main").inner_text()
    coordinator.goto(f"{base}/listings/{listing_id}")
    coordinator.get_by_label("Appeal this decision (once)").fill("The time is right: 17:00 to 18:30.")
    coordinator.get_by_role("button", name="Send the appeal").click()
    assert "Your appeal was sent" in _flash(coordinator)
    assert "Your group appealed" in coordinator.locator(".moderation-box").inner_text()

    # --- The moderator is told and restores it (a decision without a reason is refused first). ---
    assert f"New appeal on “{EVENT}”" in _notifications(moderator, base)
    moderator.get_by_role("link", name="Moderation").click()
    moderator.get_by_role("link", name=re.compile("^Appeals")).click()
    assert "The time is right" in moderator.locator("main").inner_text()
    moderator.get_by_role("link", name=EVENT).click()
    assert "The time is wrong (2)." in moderator.locator("main").inner_text()
    moderator.get_by_label("Restore the listing").check()
    moderator.get_by_role("button", name="Decide the appeal").click()
    assert "This field is required." in moderator.locator("main").inner_text()
    moderator.get_by_label("Restore the listing").check()
    moderator.get_by_label("Reason", exact=True).fill("The group showed the time is right.")
    moderator.get_by_role("button", name="Decide the appeal").click()
    assert "The appeal is decided and the group was told." in _flash(moderator)
    assert _is_public(browser, base, listing_id)
    assert f"Your appeal on “{EVENT}” was accepted: it is public again" in _notifications(coordinator, base)
    assert f"Your report on “{EVENT}” was reviewed" in _notifications(resident, base)

    # --- Every step in the audit log. ---
    assert _audit(moderator, base, "pact", pact_id) == [
        "pact.propose", "pact.submit", "pact.start_review", "pact.activate"]
    axe.append(axe_violations(browser, moderator, "/moderation/audit"))
    steps = _audit(moderator, base, "listing", listing_id)
    assert steps[:2] == ["listing.create", "listing.add_dates"]
    assert steps[2:] == ["listing.submit", "listing.approve"] + ["listing.reported"] * 3 + [
        "listing.auto_hidden", "listing.appealed", "listing.appeal_restored"], steps
    table = moderator.locator("table.audit").inner_text()
    assert "the site (automatic)" in table and "The group showed the time is right." in table

    axe.append(axe_violations(browser, coordinator, "/notifications"))
    problems = [a for a in axe if a]
    assert not problems, "\n".join(problems)

"""Issue 5, "done when", in headless Chromium over the demo city: the garden's
coordinator logs 2 hours for a resident after a clean-up, the resident confirms
and sees 2 h in the wallet, books a Repair Café slot priced in hours (the hold
shows), the Repair Café checks them in and the hour moves to the group;
`ledger check` is clean."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.coordinator_forms import fill_volunteer_hours

pytestmark = pytest.mark.browser

GARDEN_COORDINATOR = "coordinator@demo.example.org"
REPAIR_COORDINATOR = "repair@demo.example.org"
RESIDENT = "resident@demo.example.org"
RESIDENT_NAME = "Elena Moldovan"
GARDEN = "Grădina comunitară Mănăștur"
GARDEN_PACT = "Pact de colaborare: Grădina comunitară Mănăștur"
REPAIR = "Repair Café Cluj"
BIKES = "Reparații de biciclete"  # a service, 1 h from the time bank


def _flash(page) -> str:
    return page.locator(".flashes").inner_text()


def _wallet(page, base) -> dict[str, str]:
    page.goto(base)
    page.get_by_role("link", name="Wallet").click()
    return {name: page.locator(f"#wallet-{name}").inner_text() for name in ("balance", "held", "available")}


def _group_page(page, name, link):
    page.get_by_role("link", name="My groups").click()
    page.get_by_role("link", name=name).click()
    page.get_by_role("link", name=link, exact=True).click()


def test_volunteer_hours_earned_then_spent_on_a_repair_slot(live_server, browser, people):
    app, base = live_server
    resident = people(base, RESIDENT)
    garden = people(base, GARDEN_COORDINATOR)
    axe = []

    # --- The garden's coordinator logs 2 hours for the resident (a bad line first). ---
    _group_page(garden, GARDEN, "Time-bank hours")
    garden.get_by_role("link", name="Log volunteer hours").click()
    fill_volunteer_hours(garden, pact=GARDEN_PACT, what="Garden clean-up", volunteers=f"{RESIDENT} 0")
    assert "The amount must be more than zero." in garden.get_by_role("alert").inner_text()
    garden.get_by_label("Volunteers and hours").fill(f"{RESIDENT} 2")
    garden.get_by_role("button", name="Log hours").click()
    assert "Logged hours for 1 volunteer(s)" in _flash(garden)

    # --- The resident is told, confirms, and has 2 h. ---
    resident.get_by_role("link", name="Notifications").click()
    assert f"{GARDEN} logged 2 h of volunteering for you" in resident.locator("main").inner_text()
    assert _wallet(resident, base) == {"balance": "0 h", "held": "0 h", "available": "0 h"}
    to_confirm = resident.locator("li", has_text="Garden clean-up")
    assert "2 h" in to_confirm.inner_text()
    to_confirm.get_by_role("button", name="Confirm").click()
    assert "The hours are in your wallet" in _flash(resident)
    assert _wallet(resident, base) == {"balance": "2 h", "held": "0 h", "available": "2 h"}
    assert "Volunteering: Garden clean-up" in resident.locator("main").inner_text()

    # --- The resident books a Repair Café slot priced in hours: the hour is held. ---
    resident.get_by_role("link", name="Groups", exact=True).click()
    resident.get_by_role("link", name=REPAIR).click()
    resident.get_by_role("link", name=BIKES).click()
    box = resident.locator(".booking-box")
    assert "Time-bank hours · 1 h" in box.inner_text()
    box.get_by_role("button", name="Book").click()
    assert "Booked. See you there!" in _flash(resident)
    assert "Confirmed" in resident.locator("dl.facts").inner_text()
    assert _wallet(resident, base) == {"balance": "2 h", "held": "1 h", "available": "1 h"}
    holds = resident.locator("main").inner_text()
    assert "Hours held for bookings" in holds
    axe.append(axe_violations(browser, resident, "/wallet"))

    # --- The Repair Café checks the resident in: the hour moves to the group. ---
    repair = people(base, REPAIR_COORDINATOR)
    _group_page(repair, REPAIR, "Time-bank hours")
    assert repair.locator("#group-balance").inner_text() == "0 h"
    _group_page(repair, REPAIR, "Bookings")
    row = repair.get_by_role("row").filter(has_text=BIKES).filter(has=repair.get_by_role("cell", name="1 / 8"))
    row.get_by_role("link", name="Bookings").click()
    repair.get_by_role("button", name=re.compile(rf"^Attended\W+{RESIDENT_NAME}$")).click()
    assert f"Checked in: {RESIDENT_NAME}." in _flash(repair)
    assert "Attended" in repair.get_by_role("row").filter(has_text=RESIDENT_NAME).inner_text()
    _group_page(repair, REPAIR, "Time-bank hours")
    assert repair.locator("#group-balance").inner_text() == "1 h"
    assert "Booking payment" in repair.locator("main").inner_text()
    axe.append(axe_violations(browser, repair, "/groups/repair-cafe-cluj/wallet"))

    assert _wallet(resident, base) == {"balance": "1 h", "held": "0 h", "available": "1 h"}
    assert "Hours held for bookings" not in resident.locator("main").inner_text()
    statement = resident.locator("main").inner_text()
    assert "Booking payment" in statement

    # --- The ledger adds up. ---
    result = app.test_cli_runner().invoke(args=["ledger", "check"])
    assert result.exit_code == 0, result.output
    assert "Ledger OK" in result.output

    problems = [a for a in axe if a]
    assert not problems, "\n".join(problems)

"""Issue 6, "done when", in headless Chromium over the demo city: typing
`gradina` or `piata` on the search page finds the Romanian listings, a facet
narrows the results, suggestions fill in as you type (and the form still works
with JavaScript off), and a listing is findable as soon as it is published."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.coordinator_forms import fill_new_listing

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@demo.example.org"
GARDEN = "Grădina comunitară Mănăștur"
GARDEN_PACT = "Pact de colaborare: Grădina comunitară Mănăștur"
PLANTING = "Grădina comunitară Mănăștur: zi de plantat răsaduri"
MARKET = "Piață de legume din grădină"
NEW_TITLE = "Târg de semințe țărănești"


def _search(page, base, words):
    page.goto(base)
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("What are you looking for?").fill(words)
    page.get_by_role("button", name="Search", exact=True).click()


def _titles(page) -> list[str]:
    return page.locator(".result-list .result h3").all_inner_texts()


def _found(page) -> int:
    heading = page.locator("#results-title").inner_text()
    match = re.match(r"(\d+) listings? found", heading)
    return int(match.group(1)) if match else 0


def test_search_without_accents_facets_and_a_new_listing(live_server, browser, page, people):
    _, base = live_server
    page.goto(base)
    page.locator("#language-select").select_option("en")
    page.locator(".language-form button[type=submit]").click()
    axe = []

    # --- Words typed without diacritics find the Romanian listings. ---
    _search(page, base, "gradina")
    titles = _titles(page)
    assert PLANTING in titles, titles
    assert page.locator(".result-list mark").first.inner_text().lower() == "grădina"
    everything = _found(page)
    assert everything == len(titles) >= 2
    axe.append(axe_violations(browser, page, page.url))

    _search(page, base, "piata legume")
    assert _titles(page)[0] == MARKET

    # --- A facet narrows the results, with the count it announced. ---
    _search(page, base, "gradina")
    facet = page.locator(".facet", has=page.get_by_role("heading", name="Kind")).get_by_role("link").first
    label = facet.inner_text()
    announced = int(re.search(r"\((\d+)\)", facet.locator("xpath=..").inner_text()).group(1))
    facet.click()
    assert _found(page) == announced < everything
    assert page.get_by_role("link", name=re.compile(rf"^{label} \({announced}\) remove")).is_visible()
    metas = page.locator(".result .meta").all_inner_texts()
    assert len({meta.split(" · ")[0] for meta in metas}) == 1, metas  # one kind left

    # --- Suggestions as you type fill the box's list from the API. ---
    box = page.get_by_label("What are you looking for?")
    box.fill("")
    box.press_sequentially("gra", delay=30)
    page.wait_for_function(
        "() => document.querySelectorAll('#search-suggestions option').length > 0")
    options = page.locator("#search-suggestions option").evaluate_all("els => els.map(e => e.value)")
    assert any(option.startswith("Grădina") for option in options), options

    # --- A coordinator publishes a new listing: it is findable straight away. ---
    coordinator = people(base, COORDINATOR)
    _search(coordinator, base, "seminte taranesti")
    assert _found(coordinator) == 0
    fill_new_listing(coordinator, group=GARDEN, kind="good", title=NEW_TITLE, category="Plants and seeds",
                     pact=GARDEN_PACT)
    coordinator.get_by_label("How many are available").fill("40")
    coordinator.get_by_role("button", name="Save").click()
    _search(page, base, "seminte taranesti")
    assert _found(page) == 0, "a draft must not be found"
    coordinator.get_by_role("button", name="Publish").click()
    assert "The listing is published." in coordinator.locator(".flashes").inner_text()
    _search(page, base, "seminte taranesti")
    assert _titles(page) == [NEW_TITLE]

    assert not any(axe), "\n".join(a for a in axe if a)


def test_search_works_without_javascript(live_server, browser):
    _, base = live_server
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{base}/search?q=piata&lang=en")
        page.get_by_label("What are you looking for?").fill("piata")
        page.get_by_role("button", name="Search", exact=True).click()
        assert MARKET in page.locator(".result-list").inner_text()
        # A query the parser cannot read is answered as plain words, not with an error page.
        page.get_by_label("What are you looking for?").fill('"gradina AND (')
        page.get_by_role("button", name="Search", exact=True).click()
        assert page.locator("h1").inner_text() == "Search listings"
        assert PLANTING in page.locator(".result-list").inner_text()
    finally:
        context.close()

"""Filling in a group coordinator's forms ("New listing", "Log volunteer hours") for the journeys."""
from __future__ import annotations

import datetime as dt


def fill_new_listing(page, *, group: str, kind: str, title: str, category: str, pact: str,
                     description: str | None = None) -> None:
    """From any page: My groups → the group → New listing, then the fields every kind has and a free
    price. The caller adds kind-specific fields and presses Save."""
    page.get_by_role("link", name="My groups").click()
    page.get_by_role("link", name=group).click()
    page.get_by_role("link", name="New listing").click()
    page.get_by_label("What are you offering?").select_option(kind)
    page.get_by_label("Title").fill(title)
    if description is not None:
        page.get_by_label("Description").fill(description)
    page.get_by_label("Category").select_option(label=category)
    page.get_by_label("Under the pact").select_option(label=pact)
    page.get_by_label("Free", exact=True).check()


def fill_volunteer_hours(page, *, pact: str, what: str, volunteers: str) -> None:
    """On the "Log volunteer hours" page: work done today under `pact`; `volunteers` is the text of the
    "Volunteers and hours" box (one "email hours" per line). Then presses "Log hours"."""
    page.get_by_label("Pact").select_option(label=pact)
    page.get_by_label("Date of the work").fill(dt.date.today().isoformat())
    page.get_by_label("What was done").fill(what)
    page.get_by_label("Volunteers and hours").fill(volunteers)
    page.get_by_role("button", name="Log hours").click()

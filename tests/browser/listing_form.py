"""Filling in the "New listing" form as a group coordinator does, for the journeys."""
from __future__ import annotations


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

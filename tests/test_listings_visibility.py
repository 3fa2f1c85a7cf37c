"""What the public sees: only published listings of active pacts, on every page, without a batch job."""
from __future__ import annotations

import datetime as dt

from marketplace.extensions import db
from models import Group, ListingStatus, Pact, PactStatus
from tests.factories import make_group, make_listing, make_pact, make_user
from tests.helpers_pgl import client_as

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def _world(app):
    with app.app_context():
        make_user("mem@example.org")
        group = make_group("Visible Garden", members=[])
        active = make_pact(group, title="Active pact")
        overdue = make_pact(group, title="Overdue pact", end_date=YESTERDAY)  # status still 'active'
        expired = make_pact(group, title="Expired pact", status=PactStatus.EXPIRED)
        terminated = make_pact(group, title="Terminated pact", status=PactStatus.TERMINATED)
        hidden_titles = {}
        for status in (ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED,
                       ListingStatus.REJECTED, ListingStatus.HIDDEN):
            hidden_titles[f"Zz {status.value} listing"] = make_listing(
                active, title=f"Zz {status.value} listing", status=status).id
        for pact in (overdue, expired, terminated):
            hidden_titles[f"Zz published under {pact.title}"] = make_listing(
                pact, title=f"Zz published under {pact.title}").id
        visible = make_listing(active, title="Zz visible listing")
        db.session.commit()
        return {"slug": group.slug, "hidden": hidden_titles, "visible": visible.id,
                "pacts": [active.id, overdue.id, expired.id, terminated.id]}


def _public_pages(client, w) -> str:
    pages = [client.get("/"), client.get(f"/groups/{w['slug']}")]
    pages += [client.get(f"/pacts/{pact_id}") for pact_id in w["pacts"]]
    assert all(p.status_code == 200 for p in pages)
    return "\n".join(p.get_data(as_text=True) for p in pages)


def test_only_published_listings_of_active_pacts_are_public(app):
    w = _world(app)
    for client in (app.test_client(), client_as(app, "mem@example.org")):  # a non-member resident too
        html = _public_pages(client, w)
        assert "Zz visible listing" in html
        for title, listing_id in w["hidden"].items():
            assert title not in html, title
            assert client.get(f"/listings/{listing_id}").status_code == 404, title
        assert client.get(f"/listings/{w['visible']}").status_code == 200


def test_a_pact_ending_hides_its_listings_at_once(app):
    w = _world(app)
    client = app.test_client()
    assert client.get(f"/listings/{w['visible']}").status_code == 200
    with app.app_context():
        db.session.get(Pact, w["pacts"][0]).end_date = YESTERDAY  # no status write, no job
        db.session.commit()
    assert client.get(f"/listings/{w['visible']}").status_code == 404
    assert "Zz visible listing" not in _public_pages(client, w)


def test_the_group_still_sees_its_unpublished_listings(app):
    w = _world(app)
    with app.app_context():
        from sqlalchemy import select

        from models import Membership, User

        user = db.session.scalar(select(User).where(User.email == "mem@example.org"))
        group = db.session.scalar(select(Group).where(Group.slug == w["slug"]))
        db.session.add(Membership(user_id=user.id, group_id=group.id, role="member"))
        db.session.commit()
    member = client_as(app, "mem@example.org")
    for title, listing_id in w["hidden"].items():
        response = member.get(f"/listings/{listing_id}")
        assert response.status_code == 200 and "Not public" in response.get_data(as_text=True), title
    dashboard = member.get(f"/groups/{w['slug']}/manage").get_data(as_text=True)
    assert all(title in dashboard for title in w["hidden"])

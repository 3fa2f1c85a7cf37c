"""The whole journey through the pages: a new coordinator proposes a pact, a
moderator activates it, the coordinator publishes an event under it, and the
public sees it."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from marketplace.extensions import db
from models import AuditLog, Group, Notification, Pact, SiteRole, User
from tests.factories import make_user
from tests.helpers_pgl import client_as

NEXT_WEEK = dt.date.today() + dt.timedelta(days=7)


def test_propose_activate_publish_event(app):
    with app.app_context():
        make_user("mod@example.org", roles=[SiteRole.MODERATOR])
        db.session.commit()
    coord = app.test_client()
    assert coord.post("/register", data={"email": "ana@example.org", "display_name": "Ana",
                                         "password": "long enough password", "confirm": "long enough password"}
                      ).status_code == 302
    # A group, with Ana as coordinator.
    response = coord.post("/groups/new", data={"name": "Prietenii Parcului", "description": "Neighbours"})
    slug = response.headers["Location"].split("/")[-2]
    # Propose a pact for a new common good, then submit it.
    page = coord.get(f"/groups/{slug}/pacts/new").get_data(as_text=True)
    assert "Propose a pact" in page
    response = coord.post(f"/groups/{slug}/pacts/new", data={
        "title": "Grădina din Parcul Rozelor", "kind": "ordinary", "commons_choice": "new",
        "commons_name": "Parcul Rozelor", "commons_kind": "green_area", "commons_address": "Strada Trandafirilor 1",
        "commons_district": "Mărăști", "commons_latitude": "46.7784", "commons_longitude": "23.6140",
        "aims": "A vegetable garden for the neighbourhood", "activities": "Planting, weeding, workshops",
        "group_commitments": "Weekly care", "city_commitments": "Water, compost, a shed",
        "start_date": dt.date.today().isoformat(), "end_date": (dt.date.today() + dt.timedelta(days=730)).isoformat(),
    })
    assert response.status_code == 302
    pact_url = response.headers["Location"]
    pact_id = int(pact_url.rstrip("/").split("/")[-1])
    submit = coord.post(f"/pacts/{pact_id}/submit", follow_redirects=True)
    assert "The pact is submitted" in submit.get_data(as_text=True)

    # The moderator hears about it, reviews it and activates it.
    mod = client_as(app, "mod@example.org")
    notes = mod.get("/notifications").get_data(as_text=True)
    assert "New pact proposal: Grădina din Parcul Rozelor" in notes
    assert "Grădina din Parcul Rozelor" in mod.get("/pacts/review").get_data(as_text=True)
    assert mod.post(f"/pacts/{pact_id}/decide", data={"action": "start_review"}).status_code == 302
    activated = mod.post(f"/pacts/{pact_id}/decide", data={"action": "activate"}, follow_redirects=True)
    assert "Decision saved" in activated.get_data(as_text=True)
    assert "The pact is active" in coord.get("/notifications").get_data(as_text=True)
    public_pact = app.test_client().get(f"/pacts/{pact_id}").get_data(as_text=True)
    assert "Parcul Rozelor" in public_pact and "Mărăști" in public_pact and "46.77840" in public_pact

    # The coordinator creates an event with weekly dates and sends it for review.
    response = coord.post(f"/groups/{slug}/listings/new", data={
        "kind": "event", "title": "Atelier de compost", "description": "Bring a **bucket**. [Info](https://example.org)",
        "category": "workshop", "pact_id": str(pact_id), "pricing": "free"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dates")
    listing_id = int(re.search(r"/listings/(\d+)/dates", response.headers["Location"]).group(1))
    response = coord.post(f"/listings/{listing_id}/dates", data={
        "starts_at": f"{NEXT_WEEK.isoformat()}T10:00", "ends_at": f"{NEXT_WEEK.isoformat()}T12:00",
        "capacity": "15", "repeat_until": (NEXT_WEEK + dt.timedelta(weeks=2)).isoformat()})
    assert response.status_code == 302
    sent = coord.post(f"/listings/{listing_id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "sent to the city for review" in sent
    assert app.test_client().get(f"/listings/{listing_id}").status_code == 404

    # A moderator approves it in the moderation queue (issue 3b's page).
    response = mod.post(f"/moderation/listings/{listing_id}/decision", data={"decision": "approve"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

    # It is public: home, group page, pact page and its own page.
    visitor = app.test_client()
    assert "Atelier de compost" in visitor.get("/").get_data(as_text=True)
    assert "Atelier de compost" in visitor.get(f"/groups/{slug}").get_data(as_text=True)
    assert "Atelier de compost" in visitor.get(f"/pacts/{pact_id}").get_data(as_text=True)
    page = visitor.get(f"/listings/{listing_id}").get_data(as_text=True)
    assert "<strong>bucket</strong>" in page and 'rel="nofollow noopener"' in page
    assert page.count("15 / 15") == 3

    with app.app_context():
        pact = db.session.get(Pact, pact_id)
        assert pact.status == "active" and pact.commons.name == "Parcul Rozelor"
        actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
        assert actions[:8] == ["group.create", "pact.propose", "pact.submit", "pact.start_review", "pact.activate",
                               "listing.create", "listing.add_dates", "listing.submit"]
        assert len(actions) > 8  # the approval is audited too
        ana = db.session.scalar(select(User).where(User.email == "ana@example.org"))
        group = db.session.scalar(select(Group).where(Group.slug == slug))
        assert group.memberships[0].user_id == ana.id
        assert db.session.scalar(select(Notification).where(Notification.user_id == ana.id)) is not None

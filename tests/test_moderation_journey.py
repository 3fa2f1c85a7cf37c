"""The demo journey, moderation segment, through the pages only: a published
event is reported by three residents, it is hidden, the group appeals and a
moderator restores it — visible in pages, notifications and the audit log."""
from __future__ import annotations

import re

from marketplace.extensions import db
from tests.factories import login
from tests.world import build_world

EVENT = "Atelier de compost"


def _client(app, email=None, *, register=None):
    client = app.test_client()
    if register:
        response = client.post("/register", data={"email": register, "display_name": register.split("@")[0],
                                                  "password": "a long enough password",
                                                  "confirm": "a long enough password"})
        assert response.status_code == 302, response.text
    elif email:
        assert login(client, email).status_code == 302
    return client


def _public(app, world) -> bool:
    anon = app.test_client()
    return (anon.get(f"/listings/{world.event}").status_code == 200
            and EVENT in anon.get(f"/groups/{world.group_a_slug}").text
            and EVENT in anon.get(f"/pacts/{world.pact}").text)


def _unread(client) -> int:
    match = re.search(r'<span class="badge">(\d+)<span class="visually-hidden"> unread', client.get("/").text)
    return int(match.group(1)) if match else 0


def test_reported_event_is_hidden_appealed_and_restored(app):
    with app.app_context():
        world = build_world()
        db.session.commit()
    assert _public(app, world)

    # Three residents sign up and report the event from its page.
    for n in range(3):
        resident = _client(app, register=f"neighbour{n}@example.org")
        page = resident.get(f"/listings/{world.event}").text
        assert "Report this listing" in page
        # Bad input first: no reason chosen.
        bad = resident.post(f"/listings/{world.event}/report", data={"details": "?"})
        assert bad.status_code == 422 and "Choose one option." in bad.text
        sent = resident.post(f"/listings/{world.event}/report",
                             data={"reason_code": "wrong_information", "details": f"Wrong date ({n})."})
        assert sent.status_code == 302
    assert not _public(app, world)

    # The coordinator is told, in the header count and the list, and sees the reason on the event page.
    coordinator = _client(app, world.emails["coordinator"])
    assert _unread(coordinator) >= 1
    notes = coordinator.get("/notifications").text
    assert f"Your listing “{EVENT}” was hidden after several reports" in notes
    page = coordinator.get(f"/listings/{world.event}").text
    assert "Hidden automatically after 3 reports" in page and "Wrong or misleading information" in page

    # The moderator sees it in the queue with its reports.
    moderator = _client(app, world.emails["moderator"])
    queue = moderator.get("/moderation?section=reported").text
    assert EVENT in queue and "3 open reports" in queue
    assert "Wrong date (2)." in moderator.get(f"/moderation/listings/{world.event}").text

    # The group appeals (an empty appeal is refused first).
    empty = coordinator.post(f"/listings/{world.event}/appeal", data={"message": ""})
    assert empty.status_code == 422 and "This field is required." in empty.text
    assert coordinator.post(f"/listings/{world.event}/appeal",
                            data={"message": "The date is right: 7 days from now."}).status_code == 302
    assert "Your group appealed" in coordinator.get(f"/listings/{world.event}").text

    # The moderator is told and restores it from the appeal.
    assert "New appeal" in moderator.get("/notifications").text
    appeals = moderator.get("/moderation?section=appeals&mine=1").text
    assert EVENT in appeals and "The date is right" in appeals
    review = moderator.get(f"/moderation/listings/{world.event}").text
    appeal_id = int(re.search(r"/moderation/appeals/(\d+)/decision", review).group(1))
    no_reason = moderator.post(f"/moderation/appeals/{appeal_id}/decision",
                               data={f"appeal{appeal_id}-outcome": "restore"})
    assert no_reason.status_code == 422 and "This field is required." in no_reason.text
    done = moderator.post(f"/moderation/appeals/{appeal_id}/decision",
                          data={f"appeal{appeal_id}-outcome": "restore",
                                f"appeal{appeal_id}-reason": "The group showed the date is right."})
    assert done.status_code == 302

    # Public again, everywhere.
    assert _public(app, world)
    assert f"Your appeal on “{EVENT}” was accepted" in coordinator.get("/notifications").text
    assert "Reported" in moderator.get("/moderation").text
    assert EVENT not in moderator.get("/moderation?section=reported").text  # the reports were dismissed

    # Every step in the audit log, oldest to newest.
    audit = moderator.get(f"/moderation/audit?object_type=listing&object_id={world.event}").text
    steps = re.findall(r"<code>([a-z_.]+)</code>", audit)
    assert list(reversed(steps)) == ["listing.reported"] * 3 + ["listing.auto_hidden", "listing.appealed",
                                                                  "listing.appeal_restored"]
    assert "the site (automatic)" in audit and "The group showed the date is right." in audit

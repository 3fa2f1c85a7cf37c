"""The group appeals a rejection or hiding once; a different moderator answers."""
from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from models import Appeal, AuditLog, Listing, Membership, ModerationAction, ModerationKind, Pact, SiteRole, User
from tests.factories import login, make_user
from tests.moderation_support import count, make_hidden_listing, notifications_of
from tests.world import build_world


def _setup(app, *, second_moderator=True, kind=ModerationKind.HIDE):
    with app.app_context():
        world = build_world()
        moderator = db.session.get(User, world.user_moderator)
        if second_moderator:
            make_user("second@example.org", roles=[SiteRole.MODERATOR])
        listing = make_hidden_listing(db.session.get(Pact, world.pact), actor=moderator, kind=kind,
                                      title="Seed swap")
        db.session.commit()
        return world, listing.id


def _client(app, email):
    client = app.test_client()
    login(client, email)
    return client


def _appeal(client, listing_id, message="We removed the advert; please look again."):
    return client.post(f"/listings/{listing_id}/appeal", data={"message": message})


def _decide(client, appeal_id, outcome, reason="Checked."):
    return client.post(f"/moderation/appeals/{appeal_id}/decision",
                       data={f"appeal{appeal_id}-outcome": outcome, f"appeal{appeal_id}-reason": reason})


def test_the_group_appeals_once_and_a_different_moderator_gets_it(app):
    world, listing_id = _setup(app)
    member = _client(app, world.emails["member"])
    page = member.get(f"/listings/{listing_id}")
    assert "Looks like spam." in page.text and "Appeal this decision" in page.text
    response = _appeal(member, listing_id)
    assert response.status_code == 302
    assert "Your appeal was sent" in member.get(response.headers["Location"]).text
    with app.app_context():
        appeal = db.session.scalar(select(Appeal))
        second = db.session.scalar(select(User).where(User.email == "second@example.org"))
        assert appeal.assigned_to_id == second.id != world.user_moderator
        assert appeal.appellant_id == world.user_member
        assert "New appeal" in notifications_of(second.id)[-1].subject
        assert db.session.scalar(select(AuditLog.action).order_by(AuditLog.id.desc())) == "listing.appealed"
        appeal_id = appeal.id
    # Once only: the form is gone, the page says so and a second post is refused.
    coordinator = _client(app, world.emails["coordinator"])
    page = coordinator.get(f"/listings/{listing_id}").text
    assert "Appeal this decision" not in page and "Your group appealed" in page
    again = _appeal(coordinator, listing_id, "And again!")
    assert again.status_code == 302
    assert "no decision on this listing that can still be appealed" in coordinator.get(again.headers["Location"]).text
    with app.app_context():
        assert count(Appeal) == 1
    # The moderator who decided cannot answer; the assigned one can.
    decider = _client(app, world.emails["moderator"])
    assert _decide(decider, appeal_id, "restore").status_code == 403
    assert "another moderator answers it" in decider.get(f"/moderation/listings/{listing_id}").text
    second = _client(app, "second@example.org")
    assert "Seed swap" in second.get("/moderation?section=appeals&mine=1").text
    assert _decide(second, appeal_id, "uphold", "Still an advert.").status_code == 302
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        assert (appeal.status, appeal.decision_reason) == ("upheld", "Still an advert.")
        assert db.session.get(Listing, listing_id).status == "hidden"
        last = db.session.scalar(select(ModerationAction).order_by(ModerationAction.id.desc()))
        assert last.kind == "appeal_upheld" and last.actor_id != world.user_moderator
        assert "was not accepted" in notifications_of(world.user_coordinator)[-1].subject
    # An upheld appeal cannot be appealed again.
    assert _appeal(member, listing_id).status_code == 302
    with app.app_context():
        assert count(Appeal) == 1
    assert _decide(second, appeal_id, "restore").status_code == 409


def test_a_restored_appeal_publishes_the_listing_again(app):
    world, listing_id = _setup(app, kind=ModerationKind.REJECT)
    assert _appeal(_client(app, world.emails["coordinator"]), listing_id).status_code == 302
    with app.app_context():
        appeal_id = db.session.scalar(select(Appeal.id))
    second = _client(app, "second@example.org")
    assert _decide(second, appeal_id, "restore", "Fair point.").status_code == 302
    assert app.test_client().get(f"/listings/{listing_id}").status_code == 200
    with app.app_context():
        assert db.session.get(Listing, listing_id).status == "published"
        assert "accepted" in notifications_of(world.user_coordinator)[-1].subject
        assert db.session.scalar(select(AuditLog.action).order_by(AuditLog.id.desc())) == "listing.appeal_restored"


def test_with_one_moderator_the_appeal_goes_back_to_them(app):
    world, listing_id = _setup(app, second_moderator=False)
    with app.app_context():
        # The admin is a member of the group, so it cannot answer either.
        admin = db.session.get(User, world.user_admin)
        db.session.add(Membership(user=admin, group=db.session.get(Listing, listing_id).group, role="member"))
        db.session.commit()
    assert _appeal(_client(app, world.emails["member"]), listing_id).status_code == 302
    with app.app_context():
        appeal = db.session.scalar(select(Appeal))
        assert appeal.assigned_to_id == world.user_moderator
        appeal_id = appeal.id
    assert _decide(_client(app, world.emails["moderator"]), appeal_id, "restore").status_code == 302


def test_admins_take_appeals_when_no_other_moderator_exists(app):
    world, listing_id = _setup(app, second_moderator=False)
    assert _appeal(_client(app, world.emails["member"]), listing_id).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Appeal.assigned_to_id)) == world.user_admin


def test_bad_appeals_get_a_clear_message(app):
    world, listing_id = _setup(app)
    member = _client(app, world.emails["member"])
    empty = _appeal(member, listing_id, "   ")
    assert empty.status_code == 422 and "This field is required." in empty.text
    long = _appeal(member, listing_id, "x" * 2001)
    assert long.status_code == 422 and "Use at most 2000 characters." in long.text
    with app.app_context():
        assert count(Appeal) == 0
        appeal_listing = db.session.get(Listing, listing_id)
        appeal_listing_id = appeal_listing.id
    # Only the group appeals; a published listing has nothing to appeal.
    assert _appeal(_client(app, world.emails["resident"]), appeal_listing_id).status_code == 403
    assert _appeal(_client(app, world.emails["other_coordinator"]), appeal_listing_id).status_code == 403
    nothing = _appeal(member, world.listing)
    assert nothing.status_code == 302
    with app.app_context():
        assert count(Appeal) == 0


def test_bad_appeal_decisions_change_nothing(app):
    world, listing_id = _setup(app)
    _appeal(_client(app, world.emails["member"]), listing_id)
    with app.app_context():
        appeal_id = db.session.scalar(select(Appeal.id))
    second = _client(app, "second@example.org")
    no_reason = _decide(second, appeal_id, "restore", "")
    assert no_reason.status_code == 422 and "This field is required." in no_reason.text
    no_outcome = second.post(f"/moderation/appeals/{appeal_id}/decision", data={f"appeal{appeal_id}-reason": "x"})
    assert no_outcome.status_code == 422 and "Choose one option." in no_outcome.text
    with app.app_context():
        assert db.session.get(Appeal, appeal_id).status == "open"
        assert db.session.get(Listing, listing_id).status == "hidden"


def test_a_direct_decision_answers_an_open_appeal_and_can_be_appealed_in_turn(app):
    world, listing_id = _setup(app)
    member = _client(app, world.emails["member"])
    _appeal(member, listing_id)
    second = _client(app, "second@example.org")
    assert second.post(f"/moderation/listings/{listing_id}/decision",
                       data={"decision": "reject", "reason_code": "spam", "statement": "Rejected for good."}
                       ).status_code == 302
    with app.app_context():
        first = db.session.scalar(select(Appeal))
        assert (first.status, first.decided_by_id) == ("upheld", first.assigned_to_id)
    assert _appeal(member, listing_id, "About the rejection now.").status_code == 302
    with app.app_context():
        appeals = list(db.session.scalars(select(Appeal).order_by(Appeal.id)))
        assert [a.status for a in appeals] == ["upheld", "open"]
        # The new appeal is about the rejection, by the second moderator: it goes to the first one.
        assert appeals[1].assigned_to_id == world.user_moderator

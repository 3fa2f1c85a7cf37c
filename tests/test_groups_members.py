"""Groups: creation, signed invitations, roles, and the last-coordinator rule."""
from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.groups.tokens import make_invitation_token
from models import AuditLog, EmailMessage, Group, Membership, SiteRole
from tests.factories import make_group, make_user
from tests.helpers_pgl import audit_actions, client_as, count


def _setup(app):
    with app.app_context():
        coordinator = make_user("coord@example.org")
        member = make_user("mem@example.org")
        make_user("new@example.org")
        make_user("mod@example.org", roles=[SiteRole.MODERATOR])
        group = make_group("Grădina Verde", coordinator=coordinator, members=[member])
        db.session.commit()
        return {"slug": group.slug, "group": group.id, "coordinator": coordinator.id, "member": member.id}


def _membership_id(app, group_id, user_id):
    with app.app_context():
        return db.session.scalar(select(Membership.id).where(Membership.group_id == group_id,
                                                              Membership.user_id == user_id))


def test_create_group_makes_creator_coordinator(app):
    with app.app_context():
        make_user("founder@example.org")
        make_group("Grădina Verde").slug = "gradina-verde"  # takes the plain slug
        db.session.commit()
    client = client_as(app, "founder@example.org")
    response = client.post("/groups/new", data={"name": "  ", "contact_email": "not-an-email"})
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    response = client.post("/groups/new", data={"name": "Grădina Verde", "description": "We grow things",
                                                "contact_email": "Hello@Example.org"})
    assert response.status_code == 302
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.contact_email == "hello@example.org"))
        assert group.slug == "gradina-verde-2"
        assert group.listings_need_review is True
        (membership,) = group.memberships
        assert membership.role == "coordinator" and membership.user.email == "founder@example.org"
        assert audit_actions("group", group.id) == ["group.create"]
    assert client.get(response.headers["Location"]).status_code == 200


def test_invitation_by_email_and_acceptance(app):
    ids = _setup(app)
    coord = client_as(app, "coord@example.org")
    assert coord.post(f"/groups/{ids['slug']}/invite", data={"email": "nope"}).status_code == 422
    assert coord.post(f"/groups/{ids['slug']}/invite", data={"email": "mem@example.org"}).status_code == 422
    response = coord.post(f"/groups/{ids['slug']}/invite", data={"email": "New@Example.org", "role": "member"})
    assert response.status_code == 302
    with app.app_context():
        (mail,) = db.session.scalars(select(EmailMessage)).all()
        assert mail.recipient == "new@example.org" and "Grădina Verde" in mail.subject
        link = re.search(r"http://localhost(/groups/invitations/\S+)", mail.body).group(1)
    # Someone else cannot use it, even logged in.
    other = client_as(app, "mod@example.org")
    assert "sent to another email address" in other.get(link).get_data(as_text=True)
    assert other.post(link).status_code == 403
    # Anonymous people are asked to log in first.
    assert "/login" in app.test_client().get(link).headers["Location"]
    invitee = client_as(app, "new@example.org")
    assert "Join the group" in invitee.get(link).get_data(as_text=True)
    assert invitee.post(link).status_code == 302
    assert invitee.post(link).status_code == 302  # a second click is harmless
    with app.app_context():
        assert count(Membership, Membership.group_id == ids["group"]) == 3
        assert audit_actions("group", ids["group"]) == ["group.invite", "group.join"]
    assert invitee.get(f"/groups/{ids['slug']}/manage").status_code == 200


def test_bad_and_expired_invitations(app):
    ids = _setup(app)
    client = client_as(app, "new@example.org")
    response = client.get("/groups/invitations/garbage")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    with app.app_context():
        token = make_invitation_token(ids["group"], "new@example.org", "member", ids["coordinator"])
    app.config["GROUP_INVITATION_MAX_AGE"] = -1
    response = client.post(f"/groups/invitations/{token}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Membership, Membership.group_id == ids["group"]) == 2


def test_removal_cancels_an_earlier_invitation(app):
    ids = _setup(app)
    with app.app_context():
        token = make_invitation_token(ids["group"], "mem@example.org", "member", ids["coordinator"])
    coord = client_as(app, "coord@example.org")
    mid = _membership_id(app, ids["group"], ids["member"])
    assert coord.post(f"/groups/{ids['slug']}/members/{mid}/remove").status_code == 302
    response = client_as(app, "mem@example.org").post(f"/groups/invitations/{token}")
    assert response.status_code == 422 and "cancelled" in response.get_data(as_text=True)


def test_roles_and_the_last_coordinator(app):
    ids = _setup(app)
    coord = client_as(app, "coord@example.org")
    coord_mid = _membership_id(app, ids["group"], ids["coordinator"])
    member_mid = _membership_id(app, ids["group"], ids["member"])
    # The only coordinator can be neither demoted nor removed (nor leave).
    response = coord.post(f"/groups/{ids['slug']}/members/{coord_mid}/role", data={"role": "member"})
    assert response.status_code == 409
    assert "at least one coordinator" in response.get_data(as_text=True)
    assert coord.post(f"/groups/{ids['slug']}/members/{coord_mid}/remove").status_code == 409
    with app.app_context():
        assert db.session.get(Membership, coord_mid).role == "coordinator"
        assert count(AuditLog) == 0
    # A member cannot change roles.
    member = client_as(app, "mem@example.org")
    assert member.post(f"/groups/{ids['slug']}/members/{member_mid}/role",
                       data={"role": "coordinator"}).status_code == 403
    assert member.post(f"/groups/{ids['slug']}/members/{coord_mid}/remove").status_code == 403
    # Promote the member; now the first coordinator may step down.
    assert coord.post(f"/groups/{ids['slug']}/members/{member_mid}/role",
                      data={"role": "coordinator"}).status_code == 302
    # An unknown role is refused with a message, and changes nothing.
    response = coord.post(f"/groups/{ids['slug']}/members/{member_mid}/role", data={"role": "boss"},
                          follow_redirects=True)
    assert "Choose a role from the list." in response.get_data(as_text=True)
    assert coord.post(f"/groups/{ids['slug']}/members/{coord_mid}/role", data={"role": "member"}).status_code == 302
    with app.app_context():
        assert db.session.get(Membership, member_mid).role == "coordinator"
        rows = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        assert [r.action for r in rows] == ["group.change_role", "group.change_role"]
        assert rows[0].before == {"user_id": ids["member"], "role": "member"}
        assert rows[0].after == {"user_id": ids["member"], "role": "coordinator"}
    # The former coordinator, now a member, may leave.
    assert coord.post(f"/groups/{ids['slug']}/members/{coord_mid}/remove").status_code == 302
    with app.app_context():
        assert db.session.get(Membership, coord_mid) is None
        assert audit_actions("group")[-1] == "group.remove_member"


def test_review_setting_is_the_citys(app):
    ids = _setup(app)
    coord = client_as(app, "coord@example.org")
    assert coord.post(f"/groups/{ids['slug']}/settings", data={}).status_code == 403
    mod = client_as(app, "mod@example.org")
    page = mod.get(f"/groups/{ids['slug']}/manage").get_data(as_text=True)
    assert "City settings for this group" in page
    assert mod.post(f"/groups/{ids['slug']}/settings", data={}).status_code == 302
    with app.app_context():
        assert db.session.get(Group, ids["group"]).listings_need_review is False
        (row,) = db.session.scalars(select(AuditLog)).all()
        assert row.action == "group.settings" and row.after["listings_need_review"] is False
    assert "City settings" not in coord.get(f"/groups/{ids['slug']}/manage").get_data(as_text=True)


def test_edit_group_details(app):
    ids = _setup(app)
    coord = client_as(app, "coord@example.org")
    assert coord.post(f"/groups/{ids['slug']}/edit", data={"name": ""}).status_code == 422
    assert coord.post(f"/groups/{ids['slug']}/edit", data={"name": "Green Garden",
                                                           "description": "New text"}).status_code == 302
    assert client_as(app, "mem@example.org").get(f"/groups/{ids['slug']}/edit").status_code == 403
    with app.app_context():
        assert db.session.get(Group, ids["group"]).name == "Green Garden"
    assert "Green Garden" in app.test_client().get(f"/groups/{ids['slug']}").get_data(as_text=True)

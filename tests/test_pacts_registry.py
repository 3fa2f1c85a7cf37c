"""The pact registry through the HTTP client: proposal, review, decisions, expiry, the public list."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.extensions import db
from models import AuditLog, Commons, EmailMessage, Notification, Pact, PactStatus, SiteRole, User
from tests.factories import make_commons, make_group, make_pact, make_user
from tests.helpers_pgl import audit_actions, client_as, count

TODAY = dt.date.today()


def _setup(app):
    with app.app_context():
        coordinator = make_user("coord@example.org")
        member = make_user("mem@example.org")
        make_user("mod@example.org", roles=[SiteRole.MODERATOR])
        make_user("resident@example.org")
        group = make_group("Friends of the Park", coordinator=coordinator, members=[member])
        commons = make_commons("Parcul Feroviarilor", district="Gruia")
        db.session.commit()
        return {"slug": group.slug, "group": group.id, "commons": commons.id}


def _proposal(commons_id, **extra):
    data = {"title": "Caring for the rose garden", "kind": "ordinary", "commons_choice": "existing",
            "commons_id": str(commons_id), "aims": "Keep the roses alive", "activities": "Weeding on Saturdays",
            "group_commitments": "Two hours a week", "city_commitments": "Water and tools",
            "start_date": TODAY.isoformat(), "end_date": (TODAY + dt.timedelta(days=365)).isoformat()}
    data.update(extra)
    return data


def _pact_id(app, title="Caring for the rose garden"):
    with app.app_context():
        return db.session.scalar(select(Pact.id).where(Pact.title == title))


def test_coordinator_proposes_edits_and_submits(app):
    ids = _setup(app)
    coord = client_as(app, "coord@example.org")
    response = coord.post(f"/groups/{ids['slug']}/pacts/new", data=_proposal(ids["commons"]))
    assert response.status_code == 302
    pact_id = _pact_id(app)
    # A draft is private to the group.
    assert app.test_client().get(f"/pacts/{pact_id}").status_code == 404
    assert client_as(app, "resident@example.org").get(f"/pacts/{pact_id}").status_code == 404
    assert client_as(app, "mem@example.org").get(f"/pacts/{pact_id}").status_code == 200
    # A member sees the draft but only coordinators edit it.
    assert client_as(app, "mem@example.org").get(f"/pacts/{pact_id}/edit").status_code == 403
    edited = _proposal(ids["commons"], title="Caring for the rose garden (v2)")
    assert coord.post(f"/pacts/{pact_id}/edit", data=edited).status_code == 302
    assert coord.post(f"/pacts/{pact_id}/submit").status_code == 302
    with app.app_context():
        pact = db.session.get(Pact, pact_id)
        assert pact.status == "submitted" and pact.title.endswith("(v2)")
        assert audit_actions("pact", pact_id) == ["pact.propose", "pact.edit", "pact.submit"]
        moderator = db.session.scalar(select(User).where(User.email == "mod@example.org"))
        notes = db.session.scalars(select(Notification).where(Notification.user_id == moderator.id)).all()
        assert [n.subject for n in notes] == ["New pact proposal: Caring for the rose garden (v2)"]
        assert count(EmailMessage, EmailMessage.recipient == "mod@example.org") == 1
    # Nothing past submitted is editable by the group.
    assert coord.get(f"/pacts/{pact_id}/edit").status_code == 403
    assert coord.post(f"/pacts/{pact_id}/edit", data=edited).status_code == 403
    assert coord.post(f"/pacts/{pact_id}/submit").status_code == 403


def test_new_commons_with_bad_coordinates_writes_nothing(app):
    ids = _setup(app)
    coord = client_as(app, "coord@example.org")
    data = _proposal(ids["commons"], commons_choice="new", commons_name="Old tram depot", commons_kind="building",
                     commons_address="Strada Depoului 3", commons_district="Iris",
                     commons_latitude="123.5", commons_longitude="23.6")
    response = coord.post(f"/groups/{ids['slug']}/pacts/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Between -90 and 90." in page
    # Missing coordinates are refused by the service with a clear message too.
    data.update(commons_latitude="", commons_longitude="")
    page = coord.post(f"/groups/{ids['slug']}/pacts/new", data=data).get_data(as_text=True)
    assert "Give the latitude" in page
    with app.app_context():
        assert count(Pact) == 0 and count(Commons) == 1 and count(AuditLog) == 0
    data.update(commons_latitude="46.78", commons_longitude="23.58")
    assert coord.post(f"/groups/{ids['slug']}/pacts/new", data=data).status_code == 302
    with app.app_context():
        pact = db.session.get(Pact, _pact_id(app))
        assert (pact.commons.name, pact.commons.district, pact.commons.latitude) == ("Old tram depot", "Iris", 46.78)


def test_bad_dates_and_missing_fields_get_messages(app):
    ids = _setup(app)
    coord = client_as(app, "coord@example.org")
    data = _proposal(ids["commons"], title="", aims="", end_date=(TODAY - dt.timedelta(days=3)).isoformat())
    page = coord.post(f"/groups/{ids['slug']}/pacts/new", data=data).get_data(as_text=True)
    assert "This field is required." in page
    data = _proposal(ids["commons"], end_date=(TODAY - dt.timedelta(days=3)).isoformat())
    response = coord.post(f"/groups/{ids['slug']}/pacts/new", data=data)
    assert response.status_code == 422
    assert "The end date must be after the start date." in response.get_data(as_text=True)
    data = _proposal("0")
    assert "Choose a common good from the list." in coord.post(
        f"/groups/{ids['slug']}/pacts/new", data=data).get_data(as_text=True)
    with app.app_context():
        assert count(Pact) == 0


def test_submit_needs_activities_and_commitments(app):
    ids = _setup(app)
    coord = client_as(app, "coord@example.org")
    coord.post(f"/groups/{ids['slug']}/pacts/new", data=_proposal(ids["commons"], activities="",
                                                                  group_commitments=""))
    pact_id = _pact_id(app)
    response = coord.post(f"/pacts/{pact_id}/submit", follow_redirects=True)
    assert "Describe the activities" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pact, pact_id).status == "draft"
        assert count(EmailMessage) == 0


def _submitted(app, ids) -> int:
    with app.app_context():
        from models import Group

        pact = make_pact(db.session.get(Group, ids["group"]), status=PactStatus.SUBMITTED, title="Proposal")
        db.session.commit()
        return pact.id


def test_moderator_review_activate_and_terminate(app):
    ids = _setup(app)
    pact_id = _submitted(app, ids)
    mod = client_as(app, "mod@example.org")
    assert "Proposal" in mod.get("/pacts/review").get_data(as_text=True)
    assert client_as(app, "resident@example.org").get("/pacts/review").status_code == 403
    assert client_as(app, "coord@example.org").post(f"/pacts/{pact_id}/decide",
                                                    data={"action": "activate"}).status_code == 403
    # Activating straight from submitted skips the review: refused, nothing changes.
    response = mod.post(f"/pacts/{pact_id}/decide", data={"action": "activate"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Pact, pact_id).status == "submitted" and count(AuditLog) == 0
    assert mod.post(f"/pacts/{pact_id}/decide", data={"action": "start_review"}).status_code == 302
    assert mod.post(f"/pacts/{pact_id}/decide", data={"action": "activate"}).status_code == 302
    # Terminating needs reasons.
    response = mod.post(f"/pacts/{pact_id}/decide", data={"action": "terminate", "reason": "  "})
    assert response.status_code == 422
    assert "Write the reasons for this decision" in response.get_data(as_text=True)
    assert mod.post(f"/pacts/{pact_id}/decide",
                    data={"action": "terminate", "reason": "The garden is needed for a school."}).status_code == 302
    with app.app_context():
        pact = db.session.get(Pact, pact_id)
        assert pact.status == "terminated" and pact.status_reason == "The garden is needed for a school."
        rows = db.session.scalars(select(AuditLog).where(AuditLog.object_id == pact_id)
                                  .order_by(AuditLog.id)).all()
        assert [r.action for r in rows] == ["pact.start_review", "pact.activate", "pact.terminate"]
        assert rows[-1].before == {"status": "active"} and rows[-1].after == {"status": "terminated"}
        assert rows[-1].reason == "The garden is needed for a school."
        coordinator_notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        assert len(coordinator_notes) == 3
        assert "Reasons: The garden is needed for a school." in coordinator_notes[-1].body
    # A terminated pact is public, with its reasons.
    page = app.test_client().get(f"/pacts/{pact_id}").get_data(as_text=True)
    assert "Terminated" in page and "needed for a school" in page


def test_reject_and_return_need_reasons(app):
    ids = _setup(app)
    mod = client_as(app, "mod@example.org")
    first, second = _submitted(app, ids), _submitted(app, ids)
    assert mod.post(f"/pacts/{first}/decide", data={"action": "reject"}).status_code == 422
    assert mod.post(f"/pacts/{first}/decide", data={"action": "reject", "reason": "Not a commons"}).status_code == 302
    assert mod.post(f"/pacts/{second}/decide",
                    data={"action": "return", "reason": "Add the dates of the works"}).status_code == 302
    assert mod.post(f"/pacts/{second}/decide", data={"action": "bogus"}).status_code == 422
    with app.app_context():
        assert db.session.get(Pact, first).status == "rejected"
        assert db.session.get(Pact, second).status == "draft"
        assert audit_actions("pact") == ["pact.reject", "pact.return"]
    # Returned to draft: the group can edit again and sees the reasons.
    page = client_as(app, "coord@example.org").get(f"/pacts/{second}").get_data(as_text=True)
    assert "Add the dates of the works" in page and "Edit the draft" in page


def test_expire_command_writes_expired_and_prints(app, runner):
    with app.app_context():
        group = make_group(coordinator=make_user())
        old = make_pact(group, title="Old pact", end_date=TODAY - dt.timedelta(days=2))
        current = make_pact(group, title="Current pact", end_date=TODAY + dt.timedelta(days=2))
        db.session.commit()
        old_id, current_id = old.id, current.id
    result = runner.invoke(args=["pacts", "expire"])
    assert result.exit_code == 0, result.output
    assert f'pact {old_id} "Old pact": active -> expired' in result.output
    assert "1 pact(s) expired" in result.output
    with app.app_context():
        assert db.session.get(Pact, old_id).status == "expired"
        assert db.session.get(Pact, current_id).status == "active"
        assert audit_actions("pact") == ["pact.expire"]
        assert count(Notification) == 1
    again = runner.invoke(args=["pacts", "expire"])
    assert "0 pact(s) expired" in again.output
    later = runner.invoke(args=["pacts", "expire", "--today", (TODAY + dt.timedelta(days=5)).isoformat()])
    assert f"pact {current_id}" in later.output


def test_public_list_filters(app):
    with app.app_context():
        group = make_group()
        gruia, centru = make_commons("Gruia park", district="Gruia"), make_commons("Centru yard", district="Centru")
        make_pact(group, title="Active Gruia", commons=gruia)
        p = make_pact(group, title="Complex Centru", commons=centru)
        p.kind = "complex"
        make_pact(group, title="Overdue Gruia", commons=gruia, end_date=TODAY - dt.timedelta(days=1))
        make_pact(group, title="Terminated Centru", commons=centru, status=PactStatus.TERMINATED)
        make_pact(group, title="Secret draft", commons=gruia, status=PactStatus.DRAFT)
        make_pact(group, title="Rejected one", commons=gruia, status=PactStatus.REJECTED)
        db.session.commit()
        gruia_id = gruia.id
    client = app.test_client()

    def titles(query=""):
        page = client.get("/pacts" + query).get_data(as_text=True)
        return {t for t in ("Active Gruia", "Complex Centru", "Overdue Gruia", "Terminated Centru",
                            "Secret draft", "Rejected one") if t in page}

    assert titles() == {"Active Gruia", "Complex Centru", "Overdue Gruia", "Terminated Centru"}
    assert titles("?status=active") == {"Active Gruia", "Complex Centru"}
    assert titles("?status=expired") == {"Overdue Gruia"}
    assert titles("?status=terminated") == {"Terminated Centru"}
    assert titles("?status=draft") == {"Active Gruia", "Complex Centru", "Overdue Gruia", "Terminated Centru"}
    assert titles("?district=Gruia") == {"Active Gruia", "Overdue Gruia"}
    assert titles("?kind=complex") == {"Complex Centru"}
    assert titles(f"?commons={gruia_id}&status=active") == {"Active Gruia"}
    assert client.get(f"/commons/{gruia_id}").status_code == 200

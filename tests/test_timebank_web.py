"""The time bank through the HTTP client: the demo journey, wallet pages, CSV,
gifts, bulk logging, disputes, admin adjustments and the JSON API."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.timebank import services
from models import Account, AuditLog, Group, Notification, User, VolunteerLog
from tests.factories import login, make_group, make_pact, make_user


def _city(app):
    with app.app_context():
        coordinator = make_user("coord@example.org", name="Carla")
        resident = make_user("resident@example.org", name="Radu")
        other = make_user("other@example.org", name="Olga")
        moderator = make_user("mod@example.org", roles=["moderator"])
        admin = make_user("admin@example.org", roles=["admin"])
        group = make_group("Grădina Comunitară", coordinator=coordinator)
        pact = make_pact(group, title="Garden care pact")
        db.session.commit()
        return {"group": group.slug, "group_id": group.id, "pact": pact.id, "resident": resident.id,
                "other": other.id, "moderator": moderator.id, "admin": admin.id}


def _log(client, city, volunteers, activity="Garden clean-up", date=None):
    return client.post(f"/groups/{city['group']}/volunteering/new", data={
        "pact_id": city["pact"], "worked_on": (date or dt.date.today()).isoformat(),
        "activity": activity, "volunteers": volunteers})


def test_demo_journey_coordinator_logs_resident_confirms_wallet_shows_2_h(app, client):
    city = _city(app)
    login(client, "coord@example.org")
    response = _log(client, city, "resident@example.org 2")
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")

    login(client, "resident@example.org")
    page = client.get("/wallet").get_data(as_text=True)
    assert "Volunteering to confirm" in page and "Garden clean-up" in page
    with app.app_context():
        log = db.session.scalar(select(VolunteerLog))
        assert db.session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == city["resident"])) == 1
    response = client.post(f"/wallet/volunteering/{log.id}/confirm")
    assert response.status_code == 302
    page = client.get("/wallet").get_data(as_text=True)
    assert '<dd id="wallet-balance">2 h</dd>' in page
    assert '<dd id="wallet-available">2 h</dd>' in page
    assert "Volunteering: Garden clean-up" in page
    # A second click changes nothing.
    assert client.post(f"/wallet/volunteering/{log.id}/confirm").status_code == 409
    api = client.get("/api/v1/wallet").get_json()
    assert api["balance_minutes"] == 120 and api["held_minutes"] == 0 and api["available_minutes"] == 120
    entries = client.get("/api/v1/wallet/entries").get_json()
    assert [(e["amount_minutes"], e["reason"]) for e in entries["entries"]] == [(120, "volunteering")]
    result = app.test_cli_runner().invoke(args=["ledger", "check"])
    assert result.exit_code == 0 and "Ledger OK" in result.output


def test_bulk_logging_is_all_or_nothing_with_clear_messages(app, client):
    city = _city(app)
    with app.app_context():
        make_user("suspended@example.org", status="suspended")
        db.session.commit()
    login(client, "coord@example.org")
    response = _log(client, city, "resident@example.org 2\nnobody@example.org 1\nsuspended@example.org 1\n"
                                  "other@example.org 1.01\ncoord@example.org 1\nresident@example.org 1")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("nobody@example.org is not registered", "suspended@example.org is suspended",
                    "Line 4: Use whole minutes"):
        assert message in page
    with app.app_context():
        assert db.session.scalar(select(func.count(VolunteerLog.id))) == 0
    response = _log(client, city, "resident@example.org 2:30\nother@example.org, 1.5")
    assert response.status_code == 302
    with app.app_context():
        logs = db.session.scalars(select(VolunteerLog).order_by(VolunteerLog.id)).all()
        assert [(log.minutes, log.status) for log in logs] == [(150, "pending"), (90, "pending")]
        assert logs[0].batch and logs[0].batch == logs[1].batch
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert "cannot be in the future" in _log(client, city, "other@example.org 1", date=tomorrow).get_data(True)
    assert "at most 24 hours" in _log(client, city, "other@example.org 25").get_data(True)


def test_a_disputed_log_goes_to_moderators_who_decide_with_a_reason(app, client):
    city = _city(app)
    login(client, "coord@example.org")
    _log(client, city, "resident@example.org 2")
    client.post("/logout")
    with app.app_context():
        log_id = db.session.scalar(select(VolunteerLog.id))
    login(client, "resident@example.org")
    assert client.post(f"/wallet/volunteering/{log_id}/dispute", data={"reason": ""}).status_code == 422
    assert client.post(f"/wallet/volunteering/{log_id}/dispute",
                       data={"reason": "I worked 3 hours"}).status_code == 302
    client.post("/logout")
    login(client, "mod@example.org")
    page = client.get("/timebank/disputes").get_data(as_text=True)
    assert "I worked 3 hours" in page
    # One form per disputed log on the page, its fields named after the log.
    field = f"log{log_id}-"
    assert client.post(f"/timebank/disputes/{log_id}", data={f"{field}decision": "approve", f"{field}hours": "3",
                                                             f"{field}reason": ""}).status_code == 422
    response = client.post(f"/timebank/disputes/{log_id}", data={
        f"{field}decision": "approve", f"{field}hours": "3", f"{field}reason": "The sign-in sheet says 3 h"})
    assert response.status_code == 302
    with app.app_context():
        log = db.session.get(VolunteerLog, log_id)
        assert (log.status, log.credited_minutes) == ("approved", 180)
        assert services.user_account(log.volunteer).balance == 180
        audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "timebank.volunteer_approved"))
        assert audit.reason == "The sign-in sheet says 3 h"
    assert client.post(f"/timebank/disputes/{log_id}", data={f"{field}decision": "reject",
                                                             f"{field}reason": "again"}).status_code == 409


def test_group_funded_pacts_pay_from_the_group_account(app, client):
    city = _city(app)
    login(client, "mod@example.org")
    assert client.post(f"/timebank/pacts/{city['pact']}/funding", data={"funding": "group"}).status_code == 302
    client.post("/logout")
    login(client, "coord@example.org")
    _log(client, city, "resident@example.org 1")
    client.post("/logout")
    with app.app_context():
        log_id = db.session.scalar(select(VolunteerLog.id))
    login(client, "resident@example.org")
    response = client.post(f"/wallet/volunteering/{log_id}/confirm")
    assert response.status_code == 409 and "Not enough hours in the group account" in response.get_data(True)
    with app.app_context():
        assert db.session.get(VolunteerLog, log_id).status == "pending"  # nothing half-done
        group = services.ensure_group_account(db.session.get(Group, city["group_id"]))
        services.transfer_hours(services.issuance_account(), group, 120, reason="adjustment")
        db.session.commit()
    assert client.post(f"/wallet/volunteering/{log_id}/confirm").status_code == 302
    with app.app_context():
        group = db.session.scalar(select(Account).where(Account.group_id == city["group_id"]))
        assert group.balance == 60


def test_wallet_statement_period_csv_and_gifts(app, client):
    city = _city(app)
    with app.app_context():
        resident = db.session.get(User, city["resident"])
        services.transfer_hours(services.issuance_account(), services.ensure_user_account(resident), 240,
                                reason="volunteering", reference="x", memo="=HYPERLINK(\"evil\")")
        db.session.commit()
    login(client, "resident@example.org")
    csv = client.get("/wallet/statement.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("entry_id,date_utc,reason")
    assert "'=HYPERLINK" in csv and ",240,4:00,240,4:00," in csv
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    page = client.get(f"/wallet?start={future}").get_data(as_text=True)
    assert "No movements in this period." in page and "Opening balance" in page
    assert client.get("/wallet?start=not-a-date").status_code == 422
    assert client.get("/wallet/gift").status_code == 404  # off by default
    app.config["TIMEBANK_GIFTS_ENABLED"] = True
    for data, message in [
        ({"recipient": "other@example.org", "hours": "0"}, "more than zero"),
        ({"recipient": "other@example.org", "hours": "-2"}, "more than zero"),
        ({"recipient": "other@example.org", "hours": "1.001"}, "whole minutes"),
        ({"recipient": "other@example.org", "hours": "20000"}, "more than 10000 hours"),
        ({"recipient": "resident@example.org", "hours": "1"}, "yourself"),
        ({"recipient": "ghost@example.org", "hours": "1"}, "no resident"),
        ({"recipient": "other@example.org", "hours": "5"}, "Not enough hours"),
    ]:
        response = client.post("/wallet/gift", data=data)
        assert response.status_code == 422 and message in response.get_data(as_text=True), data
    assert client.post("/wallet/gift", data={"recipient": "other@example.org", "hours": "1:30"}).status_code == 302
    assert client.get("/api/v1/wallet").get_json()["balance_minutes"] == 150


def test_admin_sees_all_accounts_and_adjusts_with_a_reason(app, client):
    city = _city(app)
    with app.app_context():
        account_id = services.ensure_user_account(db.session.get(User, city["resident"])).id
        db.session.commit()
    login(client, "admin@example.org")
    assert "<td>Radu</td>" in client.get("/admin/timebank").get_data(as_text=True)
    response = client.post("/admin/timebank/adjust", data={"account_id": account_id, "direction": "credit",
                                                           "hours": "2", "reason": ""})
    assert response.status_code == 422
    response = client.post("/admin/timebank/adjust", data={"account_id": account_id, "direction": "debit",
                                                           "hours": "2", "reason": "test"})
    assert response.status_code == 422 and "Not enough hours" in response.get_data(as_text=True)
    response = client.post("/admin/timebank/adjust", data={"account_id": account_id, "direction": "credit",
                                                           "hours": "2", "reason": "Paper records from 2025"})
    assert response.status_code == 302
    page = client.get(f"/admin/timebank/accounts/{account_id}").get_data(as_text=True)
    assert "Paper records from 2025" in page
    with app.app_context():
        assert db.session.get(Account, account_id).balance == 120
        assert db.session.scalar(select(AuditLog.reason).where(AuditLog.action == "timebank.adjust")) == \
            "Paper records from 2025"


def test_the_api_answers_json_401_to_anonymous_clients(app, client):
    for path in ("/api/v1/wallet", "/api/v1/wallet/entries"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    _city(app)
    login(client, "resident@example.org")
    response = client.get("/api/v1/wallet/entries?limit=0")
    assert response.status_code == 422 and "limit" in response.get_json()["error"]["fields"]

"""The CLI path of `make run`, admin creation, and configuration rules."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.config import ConfigError, build_config
from marketplace.demo.data import DEMO_LOGINS
from marketplace.extensions import db
from models import AuditLog, Commons, Group, Listing, Pact, User
from models.visibility import public_listings


def _snapshot():
    return {
        "users": sorted(db.session.scalars(select(User.email))),
        "groups": sorted(db.session.scalars(select(Group.slug))),
        "commons": db.session.scalar(select(func.count(Commons.id))),
        "pacts": sorted(db.session.scalars(select(Pact.title))),
        "listings": sorted(db.session.scalars(select(Listing.title))),
    }


def test_demo_load_twice_leaves_the_same_data(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        before = _snapshot()
        public = db.session.scalars(public_listings()).all()
        titles = [listing.title for listing in public]
        assert len(before["listings"]) >= 25 and len(public) >= 20
        assert any(t.startswith("Grădina comunitară") for t in before["listings"])
        assert any("Piață" in t for t in titles)
        assert {row[0] for row in DEMO_LOGINS} <= set(before["users"])
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert _snapshot() == before


def test_demo_logins_work(app, runner, client):
    runner.invoke(args=["demo", "load"])
    from marketplace.demo.data import DEMO_PASSWORD

    for email, _role in DEMO_LOGINS:
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")


def test_create_admin_creates_then_promotes_and_audits(app, runner):
    result = runner.invoke(args=["users", "create-admin", "Boss@Example.org", "--password", "long enough pw"])
    assert result.exit_code == 0 and "Admin created" in result.output
    again = runner.invoke(args=["users", "create-admin", "boss@example.org"])
    assert "already an admin" in again.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
        assert user.has_role("admin")
        assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "user.role_granted")) == 1


def test_create_admin_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["users", "create-admin", "x@example.org", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_create_admin_generates_a_password_when_none_given(app, runner):
    result = runner.invoke(args=["users", "create-admin", "gen@example.org"])
    assert result.exit_code == 0 and "Password:" in result.output


def test_production_refuses_to_start_without_a_real_secret(tmp_path):
    with pytest.raises(ConfigError):
        build_config(tmp_path, {"COMMONS_ENV": "production"})
    with pytest.raises(ConfigError):
        build_config(tmp_path, {"COMMONS_ENV": "production", "SECRET_KEY": "changeme"})
    config = build_config(tmp_path, {"COMMONS_ENV": "production", "SECRET_KEY": "x" * 40})
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True


def test_development_keeps_a_generated_secret(tmp_path):
    first = build_config(tmp_path, {})["SECRET_KEY"]
    assert len(first) >= 32 and build_config(tmp_path, {})["SECRET_KEY"] == first
    assert build_config(tmp_path, {})["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_database_url_spellings_use_psycopg(tmp_path):
    url = build_config(tmp_path, {"DATABASE_URL": "postgres://u@h/db"})["SQLALCHEMY_DATABASE_URI"]
    assert url == "postgresql+psycopg://u@h/db"


def test_bad_settings_fail_loudly(tmp_path):
    with pytest.raises(ConfigError):
        build_config(tmp_path, {"DEFAULT_LOCALE": "xx"})
    with pytest.raises(ConfigError):
        build_config(tmp_path, {"MAIL_PORT": "abc"})


def test_make_run_cli_path_on_an_empty_database(make_app, tmp_path):
    """What `make run` does: `db upgrade`, then `demo load` (twice leaves the same data)."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}")
    runner = app.test_cli_runner()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        before = _snapshot()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "nothing to add" in again.output.lower()
    with app.app_context():
        assert _snapshot() == before


def test_worker_mail_delivery_leaves_mail_for_the_deliver_command(make_app):
    from marketplace.extensions import db as _db
    from models import EmailMessage
    from tests.factories import make_user

    app = make_app(MAIL_DELIVERY="worker")
    with app.app_context():
        make_user("queued@example.org")
        _db.session.commit()
    app.test_client().post("/password/forgot", data={"email": "queued@example.org"})
    with app.app_context():
        message = _db.session.scalar(select(EmailMessage).where(EmailMessage.recipient == "queued@example.org"))
        assert message is not None and message.sent_at is None
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert "Delivered 1 message(s)." in result.output
    with app.app_context():
        message = _db.session.scalar(select(EmailMessage).where(EmailMessage.recipient == "queued@example.org"))
        assert message.sent_at is not None and message.transport == "log"


def test_mail_delivery_setting_is_checked(tmp_path):
    with pytest.raises(ConfigError):
        build_config(tmp_path, {"MAIL_DELIVERY": "carrier-pigeon"})


def test_demo_addresses_pass_the_sites_own_email_checks():
    """A coordinator must be able to invite a demo account: its address has to pass the forms'
    validator (email_validator refuses special-use domains such as .local)."""
    from email_validator import validate_email

    from marketplace.groups.services import EMAIL_RE

    for email, _what in DEMO_LOGINS:
        assert validate_email(email, check_deliverability=False).normalized == email
        assert EMAIL_RE.match(email)


def test_demo_load_renames_accounts_of_the_old_demo_domain(app, runner):
    """A local demo made before the move to demo.example.org keeps its people, under the new address."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        resident = db.session.scalar(select(User).where(User.email == "resident@demo.example.org"))
        resident.email = "resident@demo.commons.local"
        resident_id = resident.id
        db.session.commit()
        users_before = db.session.scalar(select(func.count(User.id)))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == users_before
        assert db.session.get(User, resident_id).email == "resident@demo.example.org"

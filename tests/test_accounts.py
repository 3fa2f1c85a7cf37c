"""Account flows end to end through the test client."""
from __future__ import annotations

import re

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from marketplace.accounts.tokens import SALT
from marketplace.extensions import db
from models import EmailMessage, User
from tests.factories import PASSWORD, login, make_user


def _register(client, **overrides):
    data = {"email": "Ana.Pop@Example.org ", "display_name": "Ana Pop", "password": "a long password",
            "confirm": "a long password", "locale": "ro"}
    data.update(overrides)
    return client.post("/register", data=data)


def test_register_normalises_email_hashes_password_and_logs_in(app, client):
    response = _register(client)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ana.pop@example.org"))
        assert user is not None and user.locale == "ro"
        assert "a long password" not in user.password_hash
    page = client.get("/account")
    assert page.status_code == 200 and b"ana.pop@example.org" in page.data


def test_duplicate_email_is_refused_with_a_clear_message(app, client):
    assert _register(client).status_code == 302
    client.post("/logout")
    response = _register(client, email="ANA.POP@example.org")
    assert response.status_code == 422
    assert b"already exists" in response.data
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_weak_password_and_mismatch_are_refused(app, client):
    response = _register(client, password="short", confirm="short")
    assert response.status_code == 422 and b"at least 10 characters" in response.data
    response = _register(client, confirm="another long password")
    assert response.status_code == 422 and b"do not match" in response.data
    response = _register(client, email="not-an-email")
    assert response.status_code == 422 and b"email address" in response.data
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_login_wrong_password_and_unknown_email_say_the_same(app, client):
    with app.app_context():
        make_user("known@example.org")
        db.session.commit()
    wrong = client.post("/login", data={"email": "known@example.org", "password": "wrong password"})
    unknown = client.post("/login", data={"email": "unknown@example.org", "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 401
    message = b"The email or password is not right."
    assert message in wrong.data and message in unknown.data
    assert login(client, "known@example.org").status_code == 302


def test_lockout_after_repeated_failures_even_with_the_right_password(app, client):
    with app.app_context():
        make_user("target@example.org")
        db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": "target@example.org", "password": "guess guess"})
    locked = login(client, "target@example.org")
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.data
    # An unknown email is throttled exactly the same way (no account enumeration).
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": "ghost@example.org", "password": "guess guess"})
    assert client.post("/login", data={"email": "ghost@example.org", "password": "x"}).status_code == 429


def test_remember_me_sets_a_secure_httponly_cookie(make_app):
    app = make_app(REMEMBER_COOKIE_SECURE=True)
    client = app.test_client()
    with app.app_context():
        make_user("rem@example.org")
        db.session.commit()
    response = client.post("/login", data={"email": "rem@example.org", "password": PASSWORD, "remember": "y"})
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cookies and "HttpOnly" in cookies[0] and "Secure" in cookies[0]


def test_logout_and_change_password(app, client):
    with app.app_context():
        make_user("change@example.org")
        db.session.commit()
    login(client, "change@example.org")
    bad = client.post("/account/password", data={"current_password": "wrong one!!",
                                                 "new_password": "brand new password", "confirm": "brand new password"})
    assert bad.status_code == 422 and b"current password is not right" in bad.data
    ok = client.post("/account/password", data={"current_password": PASSWORD,
                                                "new_password": "brand new password", "confirm": "brand new password"})
    assert ok.status_code == 302
    client.post("/logout")
    assert client.get("/account").status_code == 302
    assert login(client, "change@example.org").status_code == 401
    assert login(client, "change@example.org", "brand new password").status_code == 302


def _reset_link(app, email):
    with app.app_context():
        message = db.session.scalars(
            select(EmailMessage).where(EmailMessage.recipient == email).order_by(EmailMessage.id.desc())
        ).first()
        assert message is not None and message.sent_at is not None and message.transport == "log"
        return re.search(r"http://localhost(/password/reset/\S+)", message.body).group(1)


def test_password_reset_flow_single_use(app, client):
    with app.app_context():
        make_user("forgot@example.org")
        db.session.commit()
    response = client.post("/password/forgot", data={"email": "forgot@example.org"})
    assert response.status_code == 302
    link = _reset_link(app, "forgot@example.org")
    assert client.get(link).status_code == 200
    new = {"password": "a fresh password", "confirm": "a fresh password"}
    assert client.post(link, data=new).status_code == 302
    assert login(client, "forgot@example.org", "a fresh password").status_code == 302
    client.post("/logout")
    reused = client.post(link, data={"password": "third password!", "confirm": "third password!"})
    assert reused.status_code == 422 and b"already used" in reused.data


def test_password_reset_unknown_email_sends_nothing_and_says_the_same(app, client):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert b"If an account uses this email" in response.data
    with app.app_context():
        assert db.session.scalar(select(db.func.count(EmailMessage.id))) == 0


def test_password_reset_token_tampered_and_expired(app, client):
    with app.app_context():
        make_user("tamper@example.org")
        db.session.commit()
    client.post("/password/forgot", data={"email": "tamper@example.org"})
    link = _reset_link(app, "tamper@example.org")
    new = {"password": "a fresh password", "confirm": "a fresh password"}
    tampered = client.post(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"), data=new)
    assert tampered.status_code == 422 and b"not valid" in tampered.data
    # A token signed with another key is refused too.
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "tamper@example.org"))
    forged = URLSafeTimedSerializer("another key", salt=SALT).dumps({"uid": user_id, "fp": "x"})
    assert client.post(f"/password/reset/{forged}", data=new).status_code == 422

    expired_app_client = client
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    expired = expired_app_client.post(link, data=new)
    assert expired.status_code == 422 and b"expired" in expired.data


def test_suspended_user_cannot_log_in_and_is_logged_out(app, client):
    with app.app_context():
        make_user("sus@example.org")
        db.session.commit()
    login(client, "sus@example.org")
    assert client.get("/account").status_code == 200
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "sus@example.org")).status = "suspended"
        db.session.commit()
    assert client.get("/account").status_code == 302
    refused = login(client, "sus@example.org")
    assert refused.status_code == 401 and b"suspended" in refused.data


def test_login_next_parameter_only_follows_local_paths(app, client):
    with app.app_context():
        make_user("next@example.org")
        db.session.commit()
    data = {"email": "next@example.org", "password": PASSWORD}
    evil = client.post("/login?next=https://evil.example/", data=data)
    assert evil.headers["Location"] == "/"
    client.post("/logout")
    good = client.post("/login?next=/account", data=data)
    assert good.headers["Location"] == "/account"

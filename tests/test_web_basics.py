"""Error pages, JSON errors, security headers, CSRF, health and language."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from models import User


def test_error_pages_answer_html_and_json(app, client):
    assert client.get("/no-such-page").status_code == 404
    assert b"We could not find this page." in client.get("/no-such-page").data
    json_404 = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert json_404.status_code == 404
    assert json_404.json == {"error": {"code": "not_found", "message": "We could not find this page.", "fields": {}}}
    not_allowed = client.delete("/", headers={"Accept": "application/json"})
    assert not_allowed.status_code == 405 and not_allowed.json["error"]["code"] == "method_not_allowed"
    assert "GET" in not_allowed.headers["Allow"]


def test_413_for_a_too_large_body(make_app):
    app = make_app(MAX_CONTENT_LENGTH=100)
    response = app.test_client().post("/login", data={"email": "x" * 500, "password": "y"},
                                      headers={"Accept": "application/json"})
    assert response.status_code == 413 and response.json["error"]["code"] == "payload_too_large"


def test_400_and_500_pages(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput")

    @app.get("/bad")
    def bad():
        from flask import abort

        abort(400)

    client = app.test_client()
    html = client.get("/boom")
    assert html.status_code == 500 and b"Something went wrong" in html.data and b"kaput" not in html.data
    assert client.get("/boom", headers={"Accept": "application/json"}).json["error"]["code"] == "internal_error"
    assert client.get("/bad").status_code == 400
    assert client.get("/bad", headers={"Accept": "application/json"}).json["error"]["code"] == "bad_request"


def test_403_page_is_html_or_json(make_app):
    app = make_app()

    @app.get("/forbidden")
    def forbidden():
        from flask import abort

        abort(403)

    client = app.test_client()
    assert b"not allowed" in client.get("/forbidden").data
    assert client.get("/forbidden", headers={"Accept": "application/json"}).json["error"]["code"] == "forbidden"


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_landmarks_skip_link_and_no_inline_script(client):
    html = client.get("/login").data.decode()
    for marker in ('<main id="main"', "<header", "<footer", "<nav", 'href="#main"', 'for="email"', "<h1>"):
        assert marker in html
    assert "<script>" not in html and "onclick=" not in html and "style=" not in html


def test_form_post_without_csrf_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/register", data={"email": "csrf@example.org", "display_name": "X",
                                              "password": "long password!", "confirm": "long password!"})
    assert response.status_code == 400
    assert b"Your form expired" in response.data
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "csrf@example.org")) is None


def test_form_with_csrf_token_is_accepted(make_app):
    import re

    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/register").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/register", data={"csrf_token": token, "email": "ok@example.org", "display_name": "X",
                                              "password": "long password!", "confirm": "long password!"})
    assert response.status_code == 302


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["checks"]["database"] == "ok"


def test_healthz_503_when_database_unreachable(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "unavailable"


@pytest.mark.parametrize("locale,word", [("ro", "Autentificare"), ("it", "Accedi")])
def test_language_choice_changes_the_page_language(client, locale, word):
    client.post("/language", data={"locale": locale, "next": "/login"})
    page = client.get("/login")
    assert f'<html lang="{locale}">' in page.data.decode()
    assert word in page.data.decode()


def test_language_from_browser(client):
    page = client.get("/login", headers={"Accept-Language": "it-IT,it;q=0.9"})
    assert '<html lang="it">' in page.data.decode()


def test_a_refused_model_transition_is_worded_in_the_readers_language(make_app):
    """Models cannot translate (no Flask there): their state-machine refusal is worded by the web layer."""
    from models.errors import TransitionRefused

    app = make_app()

    @app.get("/refused")
    def refused():
        raise TransitionRefused("listing", "archived", "published")

    client = app.test_client()
    english = client.get("/refused", headers={"Accept": "application/json", "Accept-Language": "en"})
    assert english.status_code == 409
    assert english.json["error"]["code"] == "invalid_transition"
    assert english.json["error"]["message"].startswith("This change of status is not possible any more")
    italian = client.get("/refused", headers={"Accept-Language": "it-IT,it;q=0.9"})
    assert italian.status_code == 409
    assert "This change of status" not in italian.data.decode()
    assert "archived" not in italian.data.decode()

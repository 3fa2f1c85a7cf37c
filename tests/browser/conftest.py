"""A real server on a free local port and Debian's headless Chromium.

The site runs with CSRF and rate limits on, over a SQLite file holding the
demo city, exactly as `make run` serves it (werkzeug in a thread instead of
gunicorn so the test can read the outbox directly).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.demo.loader import load_demo
from marketplace.extensions import db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


DEMO_PASSWORD = "commons-demo-2026"


def buffered(app):
    """The WSGI app, answering with each response read whole and closed before the server writes it.

    werkzeug's development server skips `close()` on a response when the browser drops the
    connection while the server drains the request (in serving.py the read in `finally` raises
    before `application_iter.close()`), which leaves a static file open until the garbage
    collector finds it in the middle of a later test as a ResourceWarning. Test pages are small.
    """
    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()
    return wsgi


@contextlib.contextmanager
def serve(tmp_path_factory, **config):
    """A live server over a fresh SQLite file holding the demo city; yields (app, base_url).

    Extra `config` goes to create_app (e.g. the Stripe settings pointing at the local fake).
    """
    folder = tmp_path_factory.mktemp("live")
    os.environ["COMMONS_INSTANCE_PATH"] = str(folder / "instance")
    app = create_app({
        "COMMONS_ENV": "testing", "TESTING": False,
        "SECRET_KEY": "browser-test-secret-key-0123456789abcdef",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.db'}",
        "SEARCH_INDEX_DIR": str(folder / "index"), "UPLOAD_DIR": str(folder / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **config,
    })
    with app.app_context():
        db.create_all()
        load_demo(db.session)
        db.session.commit()
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        os.environ.pop("COMMONS_INSTANCE_PATH", None)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with serve(tmp_path_factory) as served:
        yield served


@pytest.fixture(scope="module")
def live_server_factory(tmp_path_factory):
    """Start more live servers in a module, each with its own config: `start(**config)`."""
    with contextlib.ExitStack() as stack:
        yield lambda **config: stack.enter_context(serve(tmp_path_factory, **config))


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, base, email, password=DEMO_PASSWORD):
    """Log in through the form, then choose English (it is remembered on the profile, so
    notifications written for this person later are in English too)."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    use_english(page)
    assert page.get_by_role("button", name="Log out").is_visible(), f"{email} is not logged in"


def use_english(page):
    page.locator("#language-select").select_option("en")
    page.locator(".language-form button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == "en"


def register(page, base, email, name, password="a long enough password"):
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name to show").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create my account").click()
    assert f"Welcome, {name}" in page.locator(".flashes").inner_text()


@pytest.fixture
def people(browser):
    """`people(base, email)` → a page in its own browser context, logged in as `email` in English;
    `people(base, email, name=...)` registers a new resident through the form instead."""
    contexts = []

    def open_as(base, email, *, name=None):
        context = browser.new_context(locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if name:
            register(page, base, email, name)
        else:
            log_in(page, base, email)
        return page

    yield open_as
    for context in contexts:
        context.close()


def axe_violations(browser, page, path):
    """Serious and critical axe violations of `path` (or a full URL), seen with `page`'s cookies (so as the
    same person). axe is injected, so this context relaxes the CSP for the check only."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(bypass_csp=True, locale="en-GB", storage_state=page.context.storage_state())
    try:
        checked = context.new_page()
        checked.goto(path if path.startswith("http") else "/".join(page.url.split("/", 3)[:3]) + path)
        results = Axe().run(checked)
    finally:
        context.close()
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    return "\n".join(f"{path}: {v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
                     f"{[n['target'] for n in v['nodes']][:3]})" for v in serious)

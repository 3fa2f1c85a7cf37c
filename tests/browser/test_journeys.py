"""The main journeys of issue #2, as a person would do them, in headless Chromium."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from models import EmailMessage

pytestmark = pytest.mark.browser

NEW_PASSWORD = "my garden password"


def _register(page, base, email, password, confirm=None):
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name to show").fill("Dana Ionescu")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(confirm or password)
    page.get_by_role("button", name="Create my account").click()


def test_browse_register_logout_login_reset(live_server, page):
    app, base = live_server
    page.goto(base)
    assert page.get_by_role("heading", level=1).inner_text().startswith("What the commons")
    first = page.locator(".card h3 a").first
    title = first.inner_text()
    first.click()
    assert page.get_by_role("heading", level=1).inner_text() == title

    # Bad input gets a clear message and keeps what was typed.
    _register(page, base, "dana@example.org", "short")
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert "at least 10 characters" in summary.inner_text()
    assert page.get_by_label("Email").input_value() == "dana@example.org"

    _register(page, base, "dana@example.org", "a long enough password")
    assert "Welcome, Dana Ionescu" in page.locator(".flashes").inner_text()

    page.get_by_role("button", name="Log out").click()
    assert "You are logged out" in page.locator(".flashes").inner_text()

    page.goto(f"{base}/login")
    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Log in").click()
    assert "The email or password is not right." in page.get_by_role("alert").inner_text()

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_role("button", name="Send the link").click()
    assert "If an account uses this email" in page.locator(".flashes").inner_text()

    with app.app_context():
        body = db.session.scalars(select(EmailMessage.body).where(EmailMessage.recipient == "dana@example.org")).first()
    link = re.search(r"(/password/reset/\S+)", body).group(1)
    page.goto(base + link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    assert "You can log in now" in page.locator(".flashes").inner_text()

    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert "You are logged in" in page.locator(".flashes").inner_text()
    page.get_by_role("link", name="My account").click()
    assert "dana@example.org" in page.locator("main").inner_text()


def test_keyboard_skip_link_reaches_main(live_server, page):
    _, base = live_server
    page.goto(f"{base}/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tabbing on from main reaches the form without a mouse.
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/listings/1", "/pacts", "/groups"])
def test_no_horizontal_scroll_at_320px(live_server, browser, path):
    _, base = live_server
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(base + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 320, f"{path} is {width}px wide at a 320px viewport"


def test_language_switch_without_javascript(live_server, browser):
    _, base = live_server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Language").select_option("ro")
    page.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "ro"
    context.close()


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/password/forgot", "/listings/1", "/pacts", "/groups"])
def test_pages_pass_axe_without_serious_violations(live_server, browser, path):
    from axe_playwright_python.sync_playwright import Axe

    _, base = live_server
    # Injecting axe needs the page's CSP relaxed for this check only.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(base + path)
    results = Axe().run(page)
    context.close()
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in serious)

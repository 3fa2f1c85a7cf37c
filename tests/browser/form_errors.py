"""Checking the page a form answers with after bad input, in headless Chromium.

Shared by the browser tests that submit forms with bad input (test_forms_with_errors_accessible.py,
test_more_forms_with_errors_accessible.py). They check the page the server answers with, without
reloading it (a reload would lose the errors); `_problems` lists everything wrong with it:

1. no serious or critical axe violation (axe runs on the current page, so
   each person's browser context relaxes the CSP, which forbids injected scripts);
2. an error summary with role="alert"; each of its links points (href="#id")
   at a field on the page; every field in error (every control of a radio
   group) has aria-invalid="true" and an aria-describedby naming its visible
   error message; every error message shown next to a field is named so;
   every field marked invalid has a link in the summary;
3. keyboard: focus is on the error summary (static/js/error-summary.js moves
   it there), Tab then reaches the summary's first link; without JavaScript
   the summary comes before the form's fields, so Tab from the top reaches it
   first (no positive tabindex on the page);
4. what the person typed is still in the fields, except passwords, which are empty.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

# Facts about the error summaries, the fields in error and the error messages of the current page.
FACTS = """() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const controlsOf = (el) => el.matches('input, select, textarea') ? [el]
      : [...el.querySelectorAll('input, select, textarea')];
  const describe = (c) => ({
    name: c.name, id: c.id, invalid: c.getAttribute('aria-invalid'),
    messages: (c.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean).map((ref) => {
      const m = document.getElementById(ref);
      return m ? {id: ref, error: m.classList.contains('error'), visible: visible(m), text: m.innerText.trim()}
               : {id: ref, missing: true};
    }),
  });
  const summaries = [...document.querySelectorAll('.error-summary')].map((s) => ({
    role: s.getAttribute('role'),
    text: s.innerText.trim(),
    links: [...s.querySelectorAll('a')].map((a) => {
      const href = a.getAttribute('href') || '';
      const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
      const controls = target ? controlsOf(target) : [];
      const form = controls.length ? controls[0].form : null;
      const group = controls.length && form
          ? [...form.elements].filter((c) => c.name === controls[0].name && c.type !== 'hidden') : controls;
      return {href: href, text: a.innerText.trim(), target: !!target, name: controls.length ? controls[0].name : null,
              controls: group.map(describe)};
    }),
    // With no JavaScript, Tab from the top must reach the summary before the first field of its form (the
    // form of the field its first link leads to, or else the first form after it).
    beforeForm: (() => {
      const link = s.querySelector('a[href^="#"]');
      const target = link ? document.getElementById(link.getAttribute('href').slice(1)) : null;
      const form = (target && target.form) || [...document.querySelectorAll('main form')]
          .find((f) => s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
      const field = form && [...form.elements].find((c) => c.type !== 'hidden' && c.matches('input, select, textarea'));
      return !field || !!(s.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING);
    })(),
  }));
  const invalid = [...document.querySelectorAll('[aria-invalid=true]')].map(describe);
  const described = new Set([...document.querySelectorAll('[aria-describedby]')]
      .flatMap((c) => c.getAttribute('aria-describedby').split(/\\s+/)));
  const orphans = [...document.querySelectorAll('main form .error')].filter((m) => visible(m))
      .filter((m) => !m.id || !described.has(m.id)).map((m) => m.innerText.trim());
  const positiveTabindex = document.querySelectorAll('[tabindex]:not([tabindex="-1"]):not([tabindex="0"])').length;
  return {summaries, invalid, orphans, positiveTabindex};
}"""


@pytest.fixture(name="open_as")
def open_as_fixture(browser, live_server):
    """`open_as(email)` → a page in its own browser context that may run axe (CSP bypassed), logged in as
    `email` in English (`None`: an anonymous visitor) on the live server, or on the site at `base`."""
    contexts = []

    def opened(email=None, *, base=live_server[1]):
        context = browser.new_context(bypass_csp=True, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if email:
            log_in(page, base, email)
        return page

    yield opened
    for context in contexts:
        context.close()


def _axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"axe: {v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def _value(page, selector: str):
    field = page.locator(selector)
    if field.get_attribute("type") in ("radio", "checkbox"):
        return field.is_checked()
    return field.input_value()


def _problems(page, *, invalid: set[str], kept: dict[str, object], emptied: tuple[str, ...] = (),
              links: bool = True) -> list[str]:
    """Everything wrong with the error page now shown. `invalid`: names of the fields that must be in error;
    `kept`: selector → the value (or checked state) it must still have; `emptied`: password fields that must
    be empty; `links=False` when the only error is not about a field (a refused login)."""
    problems = []
    # 3. Focus: on the summary once the page has loaded (before anything else moves it).
    summary = page.locator(".error-summary").first
    try:
        expect(summary).to_be_focused(timeout=5_000)
    except AssertionError:
        active = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 80)")
        problems.append(f"focus is not on the error summary after the submission but on {active}")

    facts = page.evaluate(FACTS)
    # 2. The summary and the fields.
    if not facts["summaries"]:
        return problems + ["no error summary on the page"]
    linked = set()
    for s in facts["summaries"]:
        if s["role"] != "alert":
            problems.append(f"error summary has role={s['role']!r}, not 'alert'")
        if not s["beforeForm"]:
            problems.append("the error summary comes after the form's first field (Tab reaches the field first)")
        for link in s["links"]:
            if not link["href"].startswith("#") or not link["target"]:
                problems.append(f"summary link {link['text']!r} points at {link['href']!r}: no such element")
                continue
            if not link["controls"]:
                problems.append(f"summary link {link['text']!r} points at {link['href']!r}, which holds no field")
                continue
            linked.add(link["name"])
            for control in link["controls"]:
                problems += _field_problems(control)
    if links and not invalid <= linked:
        problems.append(f"the summary has no link to the fields {sorted(invalid - linked)} (links: {sorted(linked)})")
    for control in facts["invalid"]:
        problems += _field_problems(control)
        if control["name"] not in linked:
            problems.append(f"field {control['name']!r} is marked invalid but the summary has no link to it")
    problems += [f"error message {text!r} is not tied to its field (no aria-describedby names it)"
                 for text in facts["orphans"]]
    if facts["positiveTabindex"]:
        problems.append(f"{facts['positiveTabindex']} element(s) with a positive tabindex change the Tab order")

    # 4. What the person typed.
    for selector, expected in kept.items():
        value = _value(page, selector)
        if value != expected:
            problems.append(f"{selector} holds {str(value)[:60]!r} after the submission, not what was typed "
                            f"({str(expected)[:60]!r})")
    for selector in emptied:
        if _value(page, selector):
            problems.append(f"password field {selector} is sent back filled in")

    # 1. axe on the page as it is.
    problems += _axe(page)

    # 3. Keyboard: from the focused summary, Tab reaches the summary's first link.
    first_link = summary.locator("a").first
    if links and first_link.count() and page.evaluate("() => !!document.activeElement.closest('.error-summary')"):
        page.keyboard.press("Tab")
        if not first_link.evaluate("(a) => a === document.activeElement"):
            problems.append("Tab from the error summary does not reach its first link")
    return problems


def _field_problems(control) -> list[str]:
    name = control["name"] or control["id"]
    problems = []
    if control["invalid"] != "true":
        problems.append(f"field {name!r} ({control['id']}) in error has no aria-invalid=\"true\"")
    missing = [m["id"] for m in control["messages"] if m.get("missing")]
    if missing:
        problems.append(f"field {name!r} ({control['id']}): aria-describedby names missing elements {missing}")
    if not any(m.get("error") and m.get("visible") and m.get("text") for m in control["messages"]):
        problems.append(f"field {name!r} ({control['id']}): aria-describedby does not name a visible error message")
    return problems


def expect_error_page(page, where: str, **expected) -> None:
    """Fail with every problem `_problems(page, **expected)` finds on the error page, named by `where`."""
    problems = _problems(page, **expected)
    assert not problems, _report(problems, where)


def _report(problems: list[str], where: str) -> str:
    return f"{where}: {len(problems)} problem(s):\n" + "\n".join(problems)

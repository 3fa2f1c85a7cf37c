"""Hostile text in every field renders inert on every page that shows it."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.listings.photos import add_photo
from marketplace.templating import render_markdown
from models import Listing, ListingStatus, PactStatus, SiteRole
from tests.factories import make_commons, make_group, make_listing, make_pact, make_user
from tests.helpers_pgl import client_as, image_bytes

PAYLOAD = ('<script>alert("x")</script><img src=x onerror=alert(1)>'
           '<svg onload=alert(2)><circle/></svg><a href="javascript:alert(3)">j</a>'
           '[md](javascript:alert(4)) <iframe src="https://evil.example"></iframe>')

class _Inspector(HTMLParser):
    """Collects what a browser would act on: real tags and attributes, not escaped text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"svg", "iframe", "object", "embed"}:
            self.problems.append(f"<{tag}>")
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.problems.append("<script> not from /static/")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction"} and value and \
                    re.sub(r"\s", "", value).lower().startswith(("javascript:", "data:text")):
                self.problems.append(f"<{tag} {name}={value!r}>")


def _assert_inert(html: str, where: str) -> None:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    assert not inspector.problems, f"{where}: {inspector.problems}"


@pytest.mark.parametrize("text", [PAYLOAD, "<SCRIPT SRC=//evil/x.js></SCRIPT>", "<svg/onload=alert(1)>",
                                  '<a href="JaVaScRiPt:alert(1)">x</a>', "[x](  javascript:alert(1))",
                                  '<p style="x" onclick="alert(1)">p</p>'])
def test_markdown_renderer_is_inert(text):
    _assert_inert(str(render_markdown(text)), "render_markdown")


def test_markdown_links_get_nofollow_noopener():
    html = str(render_markdown("[the city](https://example.org/a?b=1) and <mailto:info@example.org>"))
    assert '<a href="https://example.org/a?b=1" rel="nofollow noopener">the city</a>' in html
    assert 'rel="nofollow noopener"' in html.split("mailto:")[1]


def test_every_text_field_renders_inert(app):
    with app.app_context():
        member = make_user("mem@example.org", name=PAYLOAD[:80])
        make_user("mod@example.org", roles=[SiteRole.MODERATOR])
        group = make_group(PAYLOAD[:120], coordinator=member, needs_review=False)
        group.description = PAYLOAD
        group.contact_email = "a@example.org"
        commons = make_commons(name=PAYLOAD[:160], district=PAYLOAD[:80])
        commons.address = PAYLOAD[:255]
        commons.description = PAYLOAD
        texts = dict(title=PAYLOAD[:200], city_office=PAYLOAD[:160], aims=PAYLOAD, activities=PAYLOAD,
                     group_commitments=PAYLOAD, city_commitments=PAYLOAD)
        pact = make_pact(group, commons=commons)
        submitted = make_pact(group, commons=commons, status=PactStatus.SUBMITTED)
        terminated = make_pact(group, commons=commons, status=PactStatus.TERMINATED)
        for p in (pact, submitted, terminated):
            for key, value in texts.items():
                setattr(p, key, value)
        terminated.status_reason = PAYLOAD
        listing = make_listing(pact, title=PAYLOAD[:160], description=PAYLOAD, stock=3,
                               pickup_place=PAYLOAD[:255], pickup_hours=PAYLOAD[:255], address=PAYLOAD[:255])
        draft = make_listing(pact, title=PAYLOAD[:160], description=PAYLOAD, status=ListingStatus.DRAFT,
                             stock=1)
        draft.status_reason = PAYLOAD
        add_photo(None, listing, image_bytes(), PAYLOAD[:250])
        db.session.commit()
        ids = {"slug": group.slug, "pact": pact.id, "submitted": submitted.id, "terminated": terminated.id,
               "listing": listing.id, "draft": draft.id, "commons": commons.id}
        assert db.session.scalar(select(Listing.title).where(Listing.id == listing.id)).startswith("<script>")
    public = ["/", "/groups", f"/groups/{ids['slug']}", "/pacts", f"/pacts/{ids['pact']}",
              f"/pacts/{ids['terminated']}", f"/commons/{ids['commons']}", f"/listings/{ids['listing']}"]
    group_pages = [f"/groups/{ids['slug']}/manage", f"/groups/{ids['slug']}/edit", f"/listings/{ids['draft']}",
                   f"/listings/{ids['draft']}/edit", f"/listings/{ids['listing']}/photos",
                   f"/groups/{ids['slug']}/listings/new", f"/groups/{ids['slug']}/pacts/new",
                   f"/pacts/{ids['submitted']}", "/my/groups"]
    moderator_pages = ["/pacts/review", f"/pacts/{ids['submitted']}", f"/groups/{ids['slug']}/manage"]
    for who, urls in ((None, public), ("mem@example.org", group_pages), ("mod@example.org", moderator_pages)):
        client = client_as(app, who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            html = response.get_data(as_text=True)
            _assert_inert(html, f"{who or 'visitor'} {url}")
    # The text is still there, escaped, for people to read.
    page = app.test_client().get(f"/listings/{ids['listing']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page

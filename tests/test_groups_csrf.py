"""With CSRF on (as in production) the forms carry a token and work; posts without one are refused."""
from __future__ import annotations

import re

from marketplace.extensions import db
from models import Group, SiteRole
from tests.factories import make_group, make_pact, make_user
from tests.helpers_pgl import count


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page).group(1)


def test_forms_carry_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user("coord@example.org", roles=[SiteRole.MODERATOR])
        group = make_group("Garden", coordinator=user)
        make_pact(group)
        db.session.commit()
        slug = group.slug
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "coord@example.org", "password": "correct horse battery",
                                "csrf_token": _token(page)})
    for url in ("/groups/new", f"/groups/{slug}/pacts/new", f"/groups/{slug}/listings/new",
                f"/groups/{slug}/manage", f"/groups/{slug}/edit"):
        assert 'name="csrf_token"' in client.get(url).get_data(as_text=True), url
    assert client.post("/groups/new", data={"name": "No token"}).status_code == 400
    page = client.get("/groups/new").get_data(as_text=True)
    assert client.post("/groups/new", data={"name": "With token", "csrf_token": _token(page)}).status_code == 302
    with app.app_context():
        assert count(Group) == 2

"""Every route × every role gets the expected outcome, enforced on the server."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.permission_tables as tables
from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import TEST_CONFIG
from tests.factories import login
from tests.permission_tables import LOGIN, OK, ROLES
from tests.world import build_world

SKIPPED_ENDPOINTS = {"static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _all_rows():
    rows = []
    for info in pkgutil.iter_modules(tables.__path__):
        module = importlib.import_module(f"tests.permission_tables.{info.name}")
        rows.extend(module.ROWS)
    return rows


ROWS = _all_rows()


def test_every_route_has_a_row():
    app = create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI="sqlite://"))
    covered = {(row.method, row.endpoint) for row in ROWS}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            if (method, rule.endpoint) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without a permission-table row:\n" + "\n".join(missing)


def _check(response, expected, role, row):
    where = f"{row.method} {row.endpoint} as {role}"
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        assert response.status_code in (302, 401), f"{where}: got {response.status_code}"
        if response.status_code == 302:
            assert "/login" in location, f"{where}: redirected to {location}"
    elif expected == OK:
        assert response.status_code < 400, f"{where}: got {response.status_code}"
        assert "/login" not in location, f"{where}: sent to log in"
    else:
        assert response.status_code == expected, f"{where}: expected {expected}, got {response.status_code}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method}-{r.endpoint}")
def test_permission_row(app, row):
    with app.app_context():
        world = build_world()
        db.session.commit()
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            assert login(client, world.emails[role]).status_code == 302, f"cannot log in as {role}"
        with app.app_context():
            url = row.url(world)
            data = row.data(world) if row.data else None
            db.session.commit()
        kwargs = {"headers": row.headers}
        if data is not None:
            kwargs["json" if row.json else "data"] = data
        response = client.open(url, method=row.method, **kwargs)
        _check(response, row.expectation(role), role, row)

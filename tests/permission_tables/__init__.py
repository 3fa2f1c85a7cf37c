"""The permission table: every route × every role → expected outcome.

Each domain keeps its rows in its own module here (foundation.py, pacts.py,
bookings.py, ...), exporting `ROWS`. tests/test_permissions.py collects all
modules and fails when a route registered in the app has no row.

Outcomes: an int status (200, 403, 404, ...), LOGIN (302 to the log-in page),
or OK (any status below 400 that is not a redirect to log in).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "resident", "member", "other_coordinator", "coordinator", "moderator", "admin")
LOGIN = "login"
OK = "ok"


@dataclass(frozen=True)
class Row:
    method: str
    endpoint: str
    # url(world) -> path; called once per role inside an app context, so it may
    # create fresh objects (e.g. a new booking) for each role's request.
    url: Callable
    expected: dict
    # data(world) -> form fields or JSON for POST/PUT/PATCH/DELETE rows.
    data: Callable | None = None
    json: bool = False
    headers: dict = field(default_factory=dict)

    def expectation(self, role: str):
        if role in self.expected:
            return self.expected[role]
        return self.expected["*"]


def everyone(outcome) -> dict:
    return {"*": outcome}


def signed_in(outcome) -> dict:
    """Anonymous visitors are sent to log in; every signed-in role gets `outcome`."""
    return {"anonymous": LOGIN, "*": outcome}


def only(allowed_roles, outcome=OK, others=403) -> dict:
    table = {"anonymous": LOGIN, "*": others}
    for role in allowed_roles:
        table[role] = outcome
    return table

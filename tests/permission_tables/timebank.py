"""Time-bank routes × roles. Rows that change a volunteer log create a fresh
one for every role (logged by group A's coordinator for the resident)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from marketplace.extensions import db
from models import VolunteerLog
from tests.permission_tables import LOGIN, OK, Row, only, signed_in

MODERATORS = ("moderator", "admin")
GROUP_A_STAFF = ("coordinator", "admin")


def _log(w, status="pending") -> int:
    log = VolunteerLog(group_id=w.group_a, pact_id=w.pact, volunteer_id=w.user_resident,
                       logged_by_id=w.user_coordinator, activity="Weeding", worked_on=dt.date.today(),
                       minutes=60, status=status, dispute_reason="It was 2 h" if status == "disputed" else "")
    db.session.add(log)
    db.session.flush()
    return log.id


def _decision(w) -> dict:
    """A decision on the log the row's URL just created: the page has one form per log, named after it."""
    log_id = db.session.scalar(select(func.max(VolunteerLog.id)))
    return {f"log{log_id}-decision": "reject", f"log{log_id}-reason": "No sign-in sheet"}


def _account(w) -> int:
    from marketplace.timebank import services
    from models import User

    return services.ensure_user_account(db.session.get(User, w.user_resident)).id


VIEWERS_OF_A_LOG = {"anonymous": LOGIN, "*": 403, "resident": 200, "coordinator": 200, "moderator": 200,
                    "admin": 200}

ROWS = [
    Row("GET", "timebank.wallet", lambda w: "/wallet", signed_in(200)),
    Row("GET", "timebank.statement_csv", lambda w: "/wallet/statement.csv", signed_in(200)),
    # Gifts are off unless the city turns them on (TIMEBANK_GIFTS_ENABLED).
    Row("GET", "timebank.gift", lambda w: "/wallet/gift", signed_in(404)),
    Row("POST", "timebank.gift", lambda w: "/wallet/gift", signed_in(404), data=lambda w: {}),
    Row("GET", "timebank.volunteering", lambda w: f"/wallet/volunteering/{_log(w)}", VIEWERS_OF_A_LOG),
    Row("POST", "timebank.confirm_volunteering", lambda w: f"/wallet/volunteering/{_log(w)}/confirm",
        only(["resident"], 302)),
    Row("POST", "timebank.dispute_volunteering", lambda w: f"/wallet/volunteering/{_log(w)}/dispute",
        only(["resident"], 302), data=lambda w: {"reason": "It was 2 hours"}),
    Row("GET", "timebank.group_wallet", lambda w: f"/groups/{w.group_a_slug}/wallet", only(GROUP_A_STAFF, 200)),
    Row("GET", "timebank.group_statement_csv", lambda w: f"/groups/{w.group_a_slug}/wallet/statement.csv",
        only(GROUP_A_STAFF, 200)),
    Row("GET", "timebank.log_hours", lambda w: f"/groups/{w.group_a_slug}/volunteering/new",
        only(GROUP_A_STAFF, 200)),
    Row("POST", "timebank.log_hours", lambda w: f"/groups/{w.group_a_slug}/volunteering/new",
        only(GROUP_A_STAFF, 422), data=lambda w: {}),
    Row("GET", "timebank.disputes", lambda w: "/timebank/disputes", only(MODERATORS, 200)),
    Row("POST", "timebank.decide_dispute", lambda w: f"/timebank/disputes/{_log(w, 'disputed')}",
        only(MODERATORS, 302), data=_decision),
    Row("GET", "timebank.pact_funding", lambda w: f"/timebank/pacts/{w.pact}/funding", only(MODERATORS, 200)),
    Row("POST", "timebank.pact_funding", lambda w: f"/timebank/pacts/{w.pact}/funding", only(MODERATORS, 302),
        data=lambda w: {"funding": "group"}),
    Row("GET", "timebank.admin_accounts", lambda w: "/admin/timebank", only(["admin"], 200)),
    Row("GET", "timebank.admin_account", lambda w: f"/admin/timebank/accounts/{_account(w)}",
        only(["admin"], 200)),
    Row("POST", "timebank.adjust", lambda w: "/admin/timebank/adjust", only(["admin"], 422), data=lambda w: {}),
    # The API answers anonymous clients with a JSON 401 (LOGIN accepts 302 or 401).
    Row("GET", "timebank_api.wallet", lambda w: "/api/v1/wallet", signed_in(200)),
    Row("GET", "timebank_api.wallet_entries", lambda w: "/api/v1/wallet/entries", signed_in(200)),
]

__all__ = ["ROWS", "OK"]

"""Moderation routes × roles. The city pages are for moderators and admins;
residents report; the listing's group appeals."""
from __future__ import annotations

from marketplace.extensions import db
from models import Listing, ListingStatus, ModerationKind, Pact, User
from tests.factories import make_listing, make_user
from tests.moderation_support import make_appeal, make_hidden_listing, make_report
from tests.permission_tables import LOGIN, Row

CITY = ("moderator", "admin")


def city(outcome) -> dict:
    table = {"anonymous": LOGIN, "*": 403}
    for role in CITY:
        table[role] = outcome
    return table


def group_a(outcome) -> dict:
    return {"anonymous": LOGIN, "*": 403, "member": outcome, "coordinator": outcome}


def _pact(w) -> Pact:
    return db.session.get(Pact, w.pact)


def _pending_listing(w) -> str:
    listing = make_listing(_pact(w), status=ListingStatus.PENDING_REVIEW)
    return f"/moderation/listings/{listing.id}/decision"


def _open_report(w) -> str:
    report = make_report(db.session.get(Listing, w.listing))
    w.ids["last_report"] = report.id
    return f"/moderation/reports/{report.id}/close"


def _open_appeal(w) -> str:
    # Hidden automatically (no deciding moderator), so any moderator may answer.
    listing = make_hidden_listing(_pact(w), kind=ModerationKind.AUTO_HIDE)
    appeal = make_appeal(listing, db.session.get(User, w.user_coordinator))
    w.ids["last_appeal"] = appeal.id
    return f"/moderation/appeals/{appeal.id}/decision"


def _appealable(w) -> str:
    listing = make_hidden_listing(_pact(w), actor=db.session.get(User, w.user_moderator))
    return f"/listings/{listing.id}/appeal"


def _fresh_user(w) -> str:
    return f"/moderation/users/{make_user().id}/suspend"


def _suspended_user(w) -> str:
    return f"/moderation/users/{make_user(status='suspended').id}/unsuspend"


REPORTERS = {"anonymous": LOGIN, "*": 200, "member": 403, "coordinator": 403}

ROWS = [
    Row("GET", "moderation.queue_index", lambda w: "/moderation", city(200)),
    Row("GET", "moderation.listing", lambda w: f"/moderation/listings/{w.listing}", city(200)),
    Row("POST", "moderation.decide", _pending_listing, city(302), data=lambda w: {"decision": "approve"}),
    Row("POST", "moderation.close_report", _open_report, city(302),
        data=lambda w: {f"report{w.last_report}-outcome": "dismissed"}),
    Row("POST", "moderation.decide_appeal", _open_appeal, city(302),
        data=lambda w: {f"appeal{w.last_appeal}-outcome": "restore", f"appeal{w.last_appeal}-reason": "Fine."}),
    Row("GET", "moderation.report_listing", lambda w: f"/listings/{w.listing}/report", REPORTERS),
    # An empty report is refused with a message (422) and writes nothing.
    Row("POST", "moderation.report_listing", lambda w: f"/listings/{w.listing}/report",
        dict(REPORTERS, **{"*": 422}), data=lambda w: {}),
    Row("GET", "moderation.appeal_listing", _appealable, group_a(200)),
    Row("POST", "moderation.appeal_listing", _appealable, group_a(302),
        data=lambda w: {"message": "We fixed the description."}),
    Row("GET", "moderation.user_index", lambda w: "/moderation/users", city(200)),
    Row("GET", "moderation.user_detail", lambda w: f"/moderation/users/{w.user_resident}", city(200)),
    Row("POST", "moderation.suspend", _fresh_user, city(302),
        data=lambda w: {"reason_code": "spam", "reason": "Posting spam."}),
    Row("POST", "moderation.unsuspend", _suspended_user, city(302), data=lambda w: {"reason": "Cleared."}),
    Row("GET", "moderation.audit_log", lambda w: "/moderation/audit", city(200)),
]

__all__ = ["ROWS"]

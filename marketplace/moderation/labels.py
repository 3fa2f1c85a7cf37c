"""Translated labels for moderation codes (reasons, decisions, statuses)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

REPORT_REASONS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive or abusive"),
    "unsafe": _l("Unsafe or illegal"),
    "not_from_pact": _l("Not produced under a pact"),
    "wrong_information": _l("Wrong or misleading information"),
    "other": _l("Something else"),
}

DECISION_REASONS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive or abusive"),
    "unsafe": _l("Unsafe or illegal"),
    "not_from_pact": _l("Not produced under the pact"),
    "wrong_information": _l("Wrong or misleading information"),
    "incomplete": _l("Incomplete information"),
    "other": _l("Other reason (see the statement)"),
}

DECISIONS = {
    "approve": _l("Approve and publish"),
    "reject": _l("Reject"),
    "hide": _l("Hide"),
    "request_changes": _l("Request changes (back to draft)"),
    "restore": _l("Restore (publish again)"),
    "auto_hide": _l("Hidden automatically after reports"),
    "appeal_upheld": _l("Appeal: decision upheld"),
    "appeal_restored": _l("Appeal: listing restored"),
    "suspend_user": _l("Account suspended"),
    "unsuspend_user": _l("Account unsuspended"),
}

LISTING_STATUSES = {
    "draft": _l("Draft"),
    "pending_review": _l("Waiting for review"),
    "published": _l("Published"),
    "archived": _l("Archived"),
    "hidden": _l("Hidden"),
    "rejected": _l("Rejected"),
}

REPORT_STATUSES = {"open": lazy_pgettext("status", "Open"), "resolved": _l("Resolved"), "dismissed": _l("Dismissed")}
APPEAL_STATUSES = {"open": lazy_pgettext("status", "Open"), "upheld": _l("Upheld"), "restored": _l("Restored")}

FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "category": _l("Category"),
    "kind": _l("Kind"),
    "price_minor": _l("Price"),
    "currency": _l("Currency"),
    "price_minutes": _l("Price in hours (minutes)"),
    "address": _l("Address"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "pickup_place": _l("Pickup place"),
    "pickup_hours": _l("Pickup hours"),
}


def _label(table: dict, code) -> str:
    code = getattr(code, "value", code)
    return str(table.get(code, code or ""))


def reason_label(code) -> str:
    return _label(DECISION_REASONS, code) if code in DECISION_REASONS else _label(REPORT_REASONS, code)


def report_reason_label(code) -> str:
    return _label(REPORT_REASONS, code)


def decision_label(code) -> str:
    return _label(DECISIONS, code)


def status_label(code) -> str:
    return _label(LISTING_STATUSES, code)


def field_label(name: str) -> str:
    return _label(FIELD_LABELS, name)


TEMPLATE_HELPERS = {
    "reason_label": reason_label,
    "report_reason_label": report_reason_label,
    "decision_label": decision_label,
    "listing_status_label": status_label,
    "field_label": field_label,
    "report_status_label": lambda c: _label(REPORT_STATUSES, c),
    "appeal_status_label": lambda c: _label(APPEAL_STATUSES, c),
}

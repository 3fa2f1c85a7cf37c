"""Read-only wallet API for the signed-in user: GET /api/v1/wallet and /api/v1/wallet/entries."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from .. import permissions as perm
from .. import schema_messages
from ..extensions import db
from ..http_errors import error_response
from . import services, statements
from .schemas import EntriesPageSchema, EntriesQuerySchema, WalletSchema

bp = Blueprint("timebank_api", __name__, url_prefix="/api/v1")


def api_login_required(view):
    """A JSON 401 for API clients instead of Flask-Login's redirect to the log-in page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not perm.can_use_wallet(current_user):
            return error_response(401, _("Log in to use this."), "unauthorized")
        return view(*args, **kwargs)

    return wrapper


@bp.get("/wallet")
@api_login_required
def wallet():
    account = services.ensure_user_account(current_user)
    db.session.commit()
    return jsonify(WalletSchema().dump({
        "account_id": account.id, "balance_minutes": account.balance, "held_minutes": account.held,
        "available_minutes": account.available, "floor_minutes": account.floor,
    }))


@bp.get("/wallet/entries")
@api_login_required
def wallet_entries():
    try:
        args = EntriesQuerySchema().load(request.args)
    except ValidationError as exc:
        return error_response(422, None, "validation_failed", schema_messages.translated(exc.messages))
    account = services.user_account(current_user)
    rows = statements.entries_page(account, before_id=args["before_id"], limit=args["limit"]) if account else []
    entries = [{"id": r[0], "created_at": r[1], "amount_minutes": r[2], "reason": r[3], "reference": r[4],
                "transfer_id": r[5]} for r in rows]
    next_before = entries[-1]["id"] if len(entries) == args["limit"] else None
    return jsonify(EntriesPageSchema().dump({"entries": entries, "next_before_id": next_before}))

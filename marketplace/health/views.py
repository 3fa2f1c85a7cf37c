"""Health check for load balancers and operators."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    checks: dict[str, str | int] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError as exc:
        log.warning("health check: database unreachable: %s", exc)
        db.session.rollback()
        checks["database"] = "unavailable"
    try:
        from ..search_integration import index_status

        checks["index"] = "ok"
        checks["index_documents"] = index_status()["documents"]
    except Exception as exc:  # noqa: BLE001 - any index failure is "unavailable", never a 500
        log.warning("health check: search index unavailable: %s", exc)
        checks["index"] = "unavailable"
    healthy = all(v == "ok" for k, v in checks.items() if k != "index_documents")
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), 200 if healthy else 503

"""Writing the audit trail, always in the caller's transaction."""
from __future__ import annotations

from models import AuditLog

from .extensions import db


def record(actor, action: str, obj, *, before: dict | None = None,
           after: dict | None = None, reason: str = "") -> AuditLog:
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "site",
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
        reason=reason or "",
    )
    db.session.add(entry)
    return entry

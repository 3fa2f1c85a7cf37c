"""City moderation: the review queue, decisions on listings, reports,
appeals, user suspension and the audit log page.

Importing this package also makes the audit log append-only at the ORM
level: an AuditLog row that is changed or deleted through a session makes
the flush fail, so no route can rewrite history by accident.
"""
from __future__ import annotations

from sqlalchemy import event

from models import AuditLog


class AuditLogIsAppendOnly(RuntimeError):
    """Audit rows are written once and never changed or deleted."""


def _refuse(mapper, connection, target):
    raise AuditLogIsAppendOnly(f"audit row {target.id} cannot be changed or deleted")


if not event.contains(AuditLog, "before_update", _refuse):
    event.listen(AuditLog, "before_update", _refuse)
    event.listen(AuditLog, "before_delete", _refuse)

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class AuditLog(Base):
    """Append-only record of who changed what. No code path updates or deletes it."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped["User | None"] = relationship()  # noqa: F821


class AuditLogIsAppendOnly(RuntimeError):
    """Audit rows are written once and never changed or deleted."""


def _refuse(mapper, connection, target):
    raise AuditLogIsAppendOnly(f"audit row {target.id} cannot be changed or deleted")


# Two locks on history: the ORM refuses to flush a changed or deleted audit
# row (every database), and on PostgreSQL a trigger refuses raw UPDATE and
# DELETE too. Migration 0007 installs the trigger; the listener below installs
# it for `create_all` (tests, benchmarks).
event.listen(AuditLog, "before_update", _refuse)
event.listen(AuditLog, "before_delete", _refuse)

AUDIT_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
    MESSAGE = 'audit_log is append-only: ' || TG_OP || ' refused';
END
$$;
"""
AUDIT_APPEND_ONLY_TRIGGER = (
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();"
)


@event.listens_for(AuditLog.__table__, "after_create")
def _install_trigger(target, connection, **kw):
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(AUDIT_APPEND_ONLY_FUNCTION)
        connection.exec_driver_sql(AUDIT_APPEND_ONLY_TRIGGER)

"""Audit rows cannot be changed: the ORM refuses everywhere, PostgreSQL refuses raw SQL too."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from marketplace import audit
from marketplace.extensions import db
from models import AuditLog
from models.audit_log import AuditLogIsAppendOnly
from tests.conftest import truncate_all
from tests.factories import make_user


def _one_row():
    user = make_user()
    row = audit.record(user, "test.action", user, before={"a": 1}, after={"a": 2}, reason="why")
    db.session.commit()
    return row.id


def test_orm_refuses_to_update_or_delete_audit_rows(db_session):
    row_id = _one_row()
    row = db_session.get(AuditLog, row_id)
    row.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(AuditLog, row_id))
    with pytest.raises(AuditLogIsAppendOnly):
        db_session.flush()
    db_session.rollback()
    assert db_session.get(AuditLog, row_id).reason == "why"


@pytest.mark.postgres
def test_postgres_trigger_refuses_raw_sql(pg_url):
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            user_id = conn.execute(text(
                "INSERT INTO users (email, password_hash, display_name, status, created_at, updated_at) "
                "VALUES ('audit@example.org', 'x', 'A', 'active', now(), now()) RETURNING id")).scalar_one()
            row_id = conn.execute(text(
                "INSERT INTO audit_log (created_at, actor_id, action, object_type, reason) "
                "VALUES (now(), :u, 'test.action', 'user', 'why') RETURNING id"), {"u": user_id}).scalar_one()
        for statement in ("UPDATE audit_log SET reason = 'x' WHERE id = :id", "DELETE FROM audit_log WHERE id = :id"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement), {"id": row_id})
        with engine.connect() as conn:
            assert conn.execute(text("SELECT reason FROM audit_log WHERE id = :id"), {"id": row_id}).scalar() == "why"
    finally:
        engine.dispose()
        truncate_all(pg_url)

"""audit_log is append-only on PostgreSQL (trigger refusing UPDATE and DELETE)

Revision ID: 0007_audit_append_only
Revises: 0006_bookings
"""
from alembic import op

from models.audit_log import AUDIT_APPEND_ONLY_FUNCTION, AUDIT_APPEND_ONLY_TRIGGER

revision = "0007_audit_append_only"
down_revision = "0006_bookings"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_APPEND_ONLY_FUNCTION)
        op.execute(AUDIT_APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

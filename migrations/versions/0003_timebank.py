"""Time bank: accounts, transfers, entries (hash-chained, append-only), the
ledger head, holds, volunteer logs and per-pact funding settings.

Revision ID: 0003_timebank
Revises: 0002_listings
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = "0003_timebank"
down_revision = "0002_listings"
branch_labels = None
depends_on = None

# Entries and transfers are append-only: PostgreSQL refuses UPDATE and DELETE.
# (Kept here verbatim rather than imported, so this migration never changes.)
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION timebank_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
    MESSAGE = 'time bank ' || TG_TABLE_NAME || ' are append-only: ' || TG_OP || ' refused';
END
$$;
"""
TRIGGER = ("CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
           "FOR EACH ROW EXECUTE FUNCTION timebank_append_only();")


def upgrade():
    op.create_table('ledger_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_head'))
    )

    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) + '
        '(CASE WHEN group_id IS NULL THEN 0 ELSE 1 END) + '
        '(CASE WHEN code IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_accounts_one_owner')),
    sa.CheckConstraint('floor IS NULL OR balance >= floor', name=op.f('ck_accounts_balance_above_floor')),
    sa.CheckConstraint('held >= 0', name=op.f('ck_accounts_held_not_negative')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_accounts_group_id_groups')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_accounts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('code', name=op.f('uq_accounts_code')),
    sa.UniqueConstraint('group_id', name=op.f('uq_accounts_group_id')),
    sa.UniqueConstraint('user_id', name=op.f('uq_accounts_user_id'))
    )

    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_transfers_actor_id_users')),
    sa.ForeignKeyConstraint(['reverses_id'], ['transfers.id'], name=op.f('fk_transfers_reverses_id_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_transfers_reverses_id'))
    )
    op.create_index(op.f('ix_transfers_created_at'), 'transfers', ['created_at'], unique=False)
    op.create_index(op.f('ix_transfers_reference'), 'transfers', ['reference'], unique=False)

    op.create_table('entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount_minutes', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_entries_account_id_accounts')),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_entries_transfer_id_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entries'))
    )
    op.create_index(op.f('ix_entries_account_id'), 'entries', ['account_id'], unique=False)
    op.create_index(op.f('ix_entries_transfer_id'), 'entries', ['transfer_id'], unique=False)

    op.create_table('holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('transfer_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_holds_minutes_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_holds_account_id_accounts')),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_holds_transfer_id_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holds'))
    )
    op.create_index(op.f('ix_holds_account_id'), 'holds', ['account_id'], unique=False)
    op.create_index(op.f('ix_holds_reference'), 'holds', ['reference'], unique=False)
    op.create_index('uq_holds_open_reference', 'holds', ['reference'], unique=True,
        sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('pact_timebank_settings',
    sa.Column('pact_id', sa.Integer(), nullable=False),
    sa.Column('funding', sa.String(length=16), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pact_id'], ['pacts.id'], name=op.f('fk_pact_timebank_settings_pact_id_pacts'),
        ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
        name=op.f('fk_pact_timebank_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('pact_id', name=op.f('pk_pact_timebank_settings'))
    )

    op.create_table('volunteer_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('pact_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.Column('batch', sa.String(length=32), nullable=False),
    sa.Column('activity', sa.Text(), nullable=False),
    sa.Column('worked_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('funding', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('dispute_reason', sa.Text(), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('credited_minutes', sa.Integer(), nullable=True),
    sa.Column('transfer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_volunteer_logs_minutes_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_volunteer_logs_decided_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_volunteer_logs_group_id_groups')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['users.id'], name=op.f('fk_volunteer_logs_logged_by_id_users')),
    sa.ForeignKeyConstraint(['pact_id'], ['pacts.id'], name=op.f('fk_volunteer_logs_pact_id_pacts')),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_volunteer_logs_transfer_id_transfers')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['users.id'], name=op.f('fk_volunteer_logs_volunteer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_logs')),
    sa.UniqueConstraint('transfer_id', name=op.f('uq_volunteer_logs_transfer_id'))
    )
    op.create_index(op.f('ix_volunteer_logs_group_id'), 'volunteer_logs', ['group_id'], unique=False)
    op.create_index(op.f('ix_volunteer_logs_pact_id'), 'volunteer_logs', ['pact_id'], unique=False)
    op.create_index(op.f('ix_volunteer_logs_status'), 'volunteer_logs', ['status'], unique=False)
    op.create_index(op.f('ix_volunteer_logs_volunteer_id'), 'volunteer_logs', ['volunteer_id'], unique=False)

    op.execute(sa.text("INSERT INTO ledger_head (id, last_entry_id, last_hash) VALUES (1, 0, :genesis)")
               .bindparams(genesis="0" * 64))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        for table in ("transfers", "entries"):
            op.execute(TRIGGER.format(table=table))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ("entries", "transfers"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS timebank_append_only()")
    op.drop_table('volunteer_logs')
    op.drop_table('pact_timebank_settings')
    op.drop_table('holds')
    op.drop_table('entries')
    op.drop_table('transfers')
    op.drop_table('accounts')
    op.drop_table('ledger_head')

"""listings: photos, pickup place and hours, services on request

Revision ID: 0002_listings
Revises: 0001_foundation
Create Date: 2026-11-27 04:10:00

"""
import sqlalchemy as sa
from alembic import op

import models.base

# revision identifiers, used by Alembic.
revision = "0002_listings"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "listing_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("alt_text", sa.String(length=250), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], name=op.f("fk_listing_photos_listing_id_listings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_photos")),
        sa.UniqueConstraint("token", name=op.f("uq_listing_photos_token")),
    )
    with op.batch_alter_table("listing_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_photos_listing_id"), ["listing_id"], unique=False)

    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pickup_place", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pickup_hours", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("on_request", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_column("on_request")
        batch_op.drop_column("pickup_hours")
        batch_op.drop_column("pickup_place")
    with op.batch_alter_table("listing_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_photos_listing_id"))
    op.drop_table("listing_photos")

"""Request rate limits shared by every front end: one bucket per stored key, in the database.

Until now each server process kept its own buckets, so N front ends on one database let a key through N
times its rate. The `rate_buckets` row of a key is updated by one atomic upsert per request (see
`AccountsMixin.take_request`).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tokens", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),  # seconds since the epoch
        sa.Column("granted", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_buckets")

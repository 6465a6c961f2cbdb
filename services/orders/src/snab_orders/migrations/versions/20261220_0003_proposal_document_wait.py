"""Proposals still waiting for their PDF are found by the sweeper through an index.

Revision ID: orders_0003
Revises: orders_0002
Create Date: 2026-12-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "orders_0003"
down_revision: str | None = "orders_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_proposals_generating",
        "proposals",
        ["created_at"],
        schema="orders",
        postgresql_where=sa.text("status = 'generating'"),
    )


def downgrade() -> None:
    op.drop_index("ix_proposals_generating", table_name="proposals", schema="orders")

"""A quote line a manager marked as an analogue of the item it prices.

Revision ID: orders_0007
Revises: orders_0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "orders_0007"
down_revision: str | None = "orders_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "quote_lines",
        sa.Column("analogue", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        schema="orders",
    )


def downgrade() -> None:
    op.drop_column("quote_lines", "analogue", schema="orders")

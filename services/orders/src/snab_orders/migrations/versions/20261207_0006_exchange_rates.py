"""Exchange rates by date: the CBR's daily rates and managers' overrides.

Revision ID: orders_0006
Revises: orders_0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "orders_0006"
down_revision: str | None = "orders_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("rate", sa.Numeric(), nullable=False),
        sa.Column("updated_by", sa.Text()),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("currency", "on_date", "source", name="pk_exchange_rates"),
        schema="orders",
    )


def downgrade() -> None:
    op.drop_table("exchange_rates", schema="orders")

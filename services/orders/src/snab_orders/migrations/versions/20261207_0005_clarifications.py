"""Clarifications: the client's Message-ID on the order, which item values the email
stated, clarification emails and the answers applied from them.

Revision ID: orders_0005
Revises: orders_0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "orders_0005"
down_revision: str | None = "orders_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "orders"


def upgrade() -> None:
    op.add_column("orders", sa.Column("source_message_id", sa.Text()), schema=S)
    op.create_index("ix_orders_source_message_id", "orders", ["source_message_id"], schema=S)
    for name in ("quantity_stated", "unit_stated"):
        op.add_column(
            "order_items",
            sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.text("true")),
            schema=S,
        )
    op.create_table(
        "clarifications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "order_id",
            sa.Uuid(),
            sa.ForeignKey("orders.orders.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column(
            "gaps",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
        sa.Column(
            "sent_to",
            postgresql.ARRAY(sa.Text()),
            nullable=False,
            server_default=sa.text("'{}'::text[]"),
        ),
        sa.Column("mail_subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("in_reply_to", sa.Text()),
        sa.Column("command_id", sa.Uuid()),
        sa.Column("message_id", sa.Text()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_by", sa.Text()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=S,
    )
    op.create_index("ix_clarifications_order_id", "clarifications", ["order_id"], schema=S)
    op.create_index("ix_clarifications_message_id", "clarifications", ["message_id"], schema=S)
    op.create_table(
        "clarification_answers",
        sa.Column("mail_id", sa.Uuid(), primary_key=True),
        sa.Column(
            "clarification_id",
            sa.Uuid(),
            sa.ForeignKey("orders.clarifications.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "order_id",
            sa.Uuid(),
            sa.ForeignKey("orders.orders.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "changes",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("clarification_answers", schema=S)
    op.drop_table("clarifications", schema=S)
    for name in ("unit_stated", "quantity_stated"):
        op.drop_column("order_items", name, schema=S)
    op.drop_index("ix_orders_source_message_id", table_name="orders", schema=S)
    op.drop_column("orders", "source_message_id", schema=S)

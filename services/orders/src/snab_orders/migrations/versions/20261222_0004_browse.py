"""Browsing orders: keyset indexes on (created_at, id) and (updated_at, id), and GIN
indexes of the full-text search vectors (orders, their items, clients).

The vector expressions must stay exactly those of ``snab_orders.domain.search`` (the
planner only uses an expression index for the same expression); they are written out
here so that this migration does not change when the code does.

Revision ID: orders_0004
Revises: orders_0003
Create Date: 2026-12-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "orders_0004"
down_revision: str | None = "orders_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDER_VECTOR = (
    "to_tsvector('russian'::regconfig, (((((((replace(number, '-', ' ') || ' ') || mail_subject)"
    " || ' ') || coalesce(company, '')) || ' ') || coalesce(from_email, '')) || ' ')"
    " || coalesce(from_name, ''))"
)
ITEM_VECTOR = "to_tsvector('russian'::regconfig, (name || ' ') || coalesce(article, ''))"
CLIENT_VECTOR = "to_tsvector('russian'::regconfig, (name || ' ') || coalesce(inn, ''))"


def upgrade() -> None:
    op.create_index(
        "ix_orders_created_at_id", "orders", ["created_at", "id"], unique=False, schema="orders"
    )
    op.create_index(
        "ix_orders_updated_at_id", "orders", ["updated_at", "id"], unique=False, schema="orders"
    )
    op.create_index(
        "ix_orders_search",
        "orders",
        [sa.text(ORDER_VECTOR)],
        schema="orders",
        postgresql_using="gin",
    )
    op.create_index(
        "ix_order_items_search",
        "order_items",
        [sa.text(ITEM_VECTOR)],
        schema="orders",
        postgresql_using="gin",
    )
    op.create_index(
        "ix_clients_search",
        "clients",
        [sa.text(CLIENT_VECTOR)],
        schema="orders",
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_clients_search", table_name="clients", schema="orders")
    op.drop_index("ix_order_items_search", table_name="order_items", schema="orders")
    op.drop_index("ix_orders_search", table_name="orders", schema="orders")
    op.drop_index("ix_orders_updated_at_id", table_name="orders", schema="orders")
    op.drop_index("ix_orders_created_at_id", table_name="orders", schema="orders")

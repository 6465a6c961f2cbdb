"""Outbox and inbox of the gateway schema.

Revision ID: gateway_0001
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from snab_kit.migrations import create_messaging_tables, drop_messaging_tables

revision: str = "gateway_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_messaging_tables("gateway")


def downgrade() -> None:
    drop_messaging_tables("gateway")

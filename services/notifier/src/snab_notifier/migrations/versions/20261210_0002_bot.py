"""The bot: the send log of notifications, button actions, dialog state.

Revision ID: notifier_0002
Revises: notifier_0001
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "notifier_0002"
down_revision: str | None = "notifier_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False
        ),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("edited_id", sa.BigInteger(), nullable=True),
        sa.Column("carried_by", sa.BigInteger(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'folded', 'merged', 'failed')",
            name=op.f("ck_notifications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["carried_by"],
            ["notifier.notifications.id"],
            name=op.f("fk_notifications_carried_by_notifications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["edited_id"],
            ["notifier.notifications.id"],
            name=op.f("fk_notifications_edited_id_notifications"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("event_id", "chat_id", name="uq_notifications_event_chat"),
        schema="notifier",
    )
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["chat_id", "next_attempt_at"],
        unique=False,
        schema="notifier",
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.create_index(
        "ix_notifications_claimed",
        "notifications",
        ["claimed_until"],
        unique=False,
        schema="notifier",
        postgresql_where=sa.text("status = 'sending'"),
    )
    op.create_index(
        "ix_notifications_topic",
        "notifications",
        ["chat_id", "topic", "id"],
        unique=False,
        schema="notifier",
        postgresql_where=sa.text("topic IS NOT NULL"),
    )
    op.create_table(
        "actions",
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("state", sa.Text(), server_default="open", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint("state IN ('open', 'running', 'done')", name=op.f("ck_actions_state")),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_actions")),
        schema="notifier",
    )
    op.create_index(
        "ix_actions_created_at", "actions", ["created_at"], unique=False, schema="notifier"
    )
    op.create_table(
        "fsm_states",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column(
            "data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_fsm_states")),
        schema="notifier",
    )


def downgrade() -> None:
    op.drop_table("fsm_states", schema="notifier")
    op.drop_index("ix_actions_created_at", table_name="actions", schema="notifier")
    op.drop_table("actions", schema="notifier")
    op.drop_index("ix_notifications_topic", table_name="notifications", schema="notifier")
    op.drop_index("ix_notifications_claimed", table_name="notifications", schema="notifier")
    op.drop_index("ix_notifications_due", table_name="notifications", schema="notifier")
    op.drop_table("notifications", schema="notifier")

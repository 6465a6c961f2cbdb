"""Mailbox sync state, inbound messages and attachments, the send log and send attempts.

Revision ID: mail_0002
Revises: mail_0001
Create Date: 2026-12-15
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "mail_0002"
down_revision: str | None = "mail_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "mail"


def _ts(name: str, *, default: bool = False, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        server_default=sa.func.now() if default else None,
        nullable=nullable,
    )


def _jsonb(name: str, *, empty_list: bool = False, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name,
        postgresql.JSONB(),
        server_default=sa.text("'[]'::jsonb") if empty_list else None,
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "mailboxes",
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("resync_until_uid", sa.BigInteger(), nullable=True),
        _ts("synced_at"),
        _ts("created_at", default=True, nullable=False),
        _ts("updated_at", default=True, nullable=False),
        sa.PrimaryKeyConstraint("account", "folder", name="pk_mailboxes"),
        schema=SCHEMA,
    )
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("uid", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.Text(), nullable=True),
        sa.Column("in_reply_to", sa.Text(), nullable=True),
        _jsonb("references", empty_list=True, nullable=False),
        _jsonb("from_addr"),
        _jsonb("to_addrs", empty_list=True, nullable=False),
        _jsonb("cc_addrs", empty_list=True, nullable=False),
        sa.Column("subject", sa.Text(), server_default="", nullable=False),
        _ts("sent_date"),
        sa.Column("raw_key", sa.Text(), nullable=False),
        sa.Column("raw_sha256", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        _jsonb("flags", nullable=False),
        _jsonb("thread", nullable=False),
        sa.Column("parse_ms", sa.Integer(), nullable=True),
        _ts("received_at", default=True, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_messages"),
        sa.UniqueConstraint(
            "account", "folder", "uidvalidity", "uid", name="uq_inbound_messages_uid"
        ),
        sa.CheckConstraint(
            "status IN ('received', 'unparseable')", name="ck_inbound_messages_status"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_inbound_messages_message_id", "inbound_messages", ["message_id"], schema=SCHEMA
    )
    op.create_index(
        "uq_inbound_messages_content",
        "inbound_messages",
        ["raw_sha256", sa.text("coalesce(message_id, '')")],
        unique=True,
        schema=SCHEMA,
    )
    op.create_table(
        "inbound_attachments",
        sa.Column("mail_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("inline", sa.Boolean(), server_default="false", nullable=False),
        sa.ForeignKeyConstraint(
            ["mail_id"],
            [f"{SCHEMA}.inbound_messages.id"],
            name="fk_inbound_attachments_mail_id_inbound_messages",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mail_id", "position", name="pk_inbound_attachments"),
        schema=SCHEMA,
    )
    op.create_table(
        "outbound_messages",
        sa.Column("command_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("request_id", sa.BigInteger(), nullable=True),
        sa.Column("proposal_id", sa.Uuid(), nullable=True),
        _jsonb("recipients", nullable=False),
        _jsonb("command", nullable=False),
        sa.Column("raw_key", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        _ts("next_attempt_at", default=True, nullable=False),
        _ts("claimed_until"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("sent_at"),
        _ts("copy_saved_at"),
        sa.Column("copy_attempts", sa.Integer(), server_default="0", nullable=False),
        _ts("created_at", default=True, nullable=False),
        _ts("updated_at", default=True, nullable=False),
        sa.PrimaryKeyConstraint("command_id", name="pk_outbound_messages"),
        sa.UniqueConstraint("message_id", name="uq_outbound_messages_message_id"),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'transmitting', 'retry', 'sent', 'failed')",
            name="ck_outbound_messages_status",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_outbound_messages_due",
        "outbound_messages",
        ["next_attempt_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status IN ('queued', 'retry')"),
    )
    op.create_index(
        "ix_outbound_messages_claimed",
        "outbound_messages",
        ["claimed_until"],
        schema=SCHEMA,
        postgresql_where=sa.text("status IN ('sending', 'transmitting')"),
    )
    op.create_table(
        "send_attempts",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("command_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        _ts("started_at", nullable=False),
        _ts("finished_at", default=True, nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("smtp_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["command_id"],
            [f"{SCHEMA}.outbound_messages.command_id"],
            name="fk_send_attempts_command_id_outbound_messages",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_send_attempts"),
        schema=SCHEMA,
    )
    op.create_index("ix_send_attempts_command_id", "send_attempts", ["command_id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_send_attempts_command_id", table_name="send_attempts", schema=SCHEMA)
    op.drop_table("send_attempts", schema=SCHEMA)
    op.drop_index("ix_outbound_messages_claimed", table_name="outbound_messages", schema=SCHEMA)
    op.drop_index("ix_outbound_messages_due", table_name="outbound_messages", schema=SCHEMA)
    op.drop_table("outbound_messages", schema=SCHEMA)
    op.drop_table("inbound_attachments", schema=SCHEMA)
    op.drop_index("uq_inbound_messages_content", table_name="inbound_messages", schema=SCHEMA)
    op.drop_index("ix_inbound_messages_message_id", table_name="inbound_messages", schema=SCHEMA)
    op.drop_table("inbound_messages", schema=SCHEMA)
    op.drop_table("mailboxes", schema=SCHEMA)

"""Tables of the `notifier` schema.

``notifications``: the send log, one row per (event, chat): what to tell, its state, and
the Telegram message that shows it (see ``snab_notifier.services.sender``).
``actions``: what a button started and may finish once (pick suppliers, build or send a
proposal, link a mail): the selection so far, and whether it ran already.
``fsm_states``: the bot's dialog state per chat and user (aiogram FSM), so that a dialog
survives a restart.
The bot keeps no domain data: orders, suppliers and quotes are always asked by rpc.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "notifier"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)

NOTIFICATION_STATUSES = ("queued", "sending", "sent", "folded", "merged", "failed")
ACTION_STATES = ("open", "running", "done")

notifications = Table(
    "notifications",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", Uuid, nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),
    # Notifications about the same thing (the quotes of one order) share a topic: a later
    # one edits the message of the earlier one.
    Column("topic", Text),
    Column("payload", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("claimed_until", DateTime(timezone=True)),
    Column("message_id", BigInteger),  # the Telegram message that shows it
    Column("edited_id", BigInteger, ForeignKey("notifier.notifications.id", ondelete="SET NULL")),
    # folded into a digest, or merged into a later notice: the row whose message carries it
    Column("carried_by", BigInteger, ForeignKey("notifier.notifications.id", ondelete="SET NULL")),
    Column("delivered_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("event_id", "chat_id", name="uq_notifications_event_chat"),
    CheckConstraint(f"status IN {NOTIFICATION_STATUSES!r}", name="status"),
    Index(
        "ix_notifications_due",
        "chat_id",
        "next_attempt_at",
        postgresql_where=text("status = 'queued'"),
    ),
    Index(
        "ix_notifications_claimed",
        "claimed_until",
        postgresql_where=text("status = 'sending'"),
    ),
    Index(
        "ix_notifications_topic",
        "chat_id",
        "topic",
        "id",
        postgresql_where=text("topic IS NOT NULL"),
    ),
)

actions = Table(
    "actions",
    metadata,
    Column("token", Text, primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),
    Column("data", JSONB, nullable=False),
    Column("state", Text, nullable=False, server_default="open"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"state IN {ACTION_STATES!r}", name="state"),
    Index("ix_actions_created_at", "created_at"),
)

fsm_states = Table(
    "fsm_states",
    metadata,
    Column("key", Text, primary_key=True),
    Column("state", Text),
    Column("data", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

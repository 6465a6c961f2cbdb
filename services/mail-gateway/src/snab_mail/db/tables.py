"""Tables of the `mail` schema.

``mailboxes``: per (account, folder) the UIDVALIDITY and the last UID handled.
``inbound_messages``: every message taken in (raw .eml in object storage), unique per
mailbox UID and deduplicated on (raw sha256, Message-ID); ``inbound_attachments`` beside it.
``outbound_messages``: the send log, one row per ``mail.send`` command id;
``send_attempts``: each SMTP attempt with its outcome.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    PrimaryKeyConstraint,
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

SCHEMA = "mail"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)

INBOUND_STATUSES = ("received", "unparseable")
OUTBOUND_STATUSES = ("queued", "sending", "transmitting", "retry", "sent", "failed")


mailboxes = Table(
    "mailboxes",
    metadata,
    Column("account", Text, nullable=False),
    Column("folder", Text, nullable=False),
    Column("uidvalidity", BigInteger, nullable=False),
    Column("last_uid", BigInteger, nullable=False, server_default="0"),
    # After a UIDVALIDITY change: up to this UID, dedupe by Message-ID too.
    Column("resync_until_uid", BigInteger),
    # Last time the folder was read to the end.
    Column("synced_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("account", "folder"),
)

inbound_messages = Table(
    "inbound_messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("source", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("folder", Text, nullable=False),
    Column("uidvalidity", BigInteger),
    Column("uid", BigInteger),
    Column("message_id", Text),
    Column("in_reply_to", Text),
    Column("references", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("from_addr", JSONB),
    Column("to_addrs", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("cc_addrs", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("subject", Text, nullable=False, server_default=""),
    Column("sent_date", DateTime(timezone=True)),  # the Date header
    Column("raw_key", Text, nullable=False),
    Column("raw_sha256", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("status", Text, nullable=False),
    Column("flags", JSONB, nullable=False),
    Column("thread", JSONB, nullable=False),
    Column("parse_ms", Integer),  # CPU milliseconds spent parsing
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("account", "folder", "uidvalidity", "uid", name="uq_inbound_messages_uid"),
    CheckConstraint(f"status IN {INBOUND_STATUSES!r}", name="status"),
    Index("ix_inbound_messages_message_id", "message_id"),
)
# The same bytes with the same Message-ID are one message, however they arrived.
Index(
    "uq_inbound_messages_content",
    inbound_messages.c.raw_sha256,
    func.coalesce(inbound_messages.c.message_id, ""),
    unique=True,
)

inbound_attachments = Table(
    "inbound_attachments",
    metadata,
    Column(
        "mail_id",
        Uuid,
        ForeignKey(inbound_messages.c.id, ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("filename", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("storage_key", Text, nullable=False),
    Column("inline", Boolean, nullable=False, server_default="false"),
    PrimaryKeyConstraint("mail_id", "position"),
)

outbound_messages = Table(
    "outbound_messages",
    metadata,
    Column("command_id", Uuid, primary_key=True),
    Column("status", Text, nullable=False),
    Column("message_id", Text, nullable=False, unique=True),
    Column("purpose", Text, nullable=False),
    Column("order_id", Uuid),
    Column("request_id", BigInteger),
    Column("proposal_id", Uuid),
    Column("recipients", JSONB, nullable=False),
    Column("command", JSONB, nullable=False),  # the mail.send command as received
    Column("raw_key", Text),  # the composed message, stored before the first attempt
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("claimed_until", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("sent_at", DateTime(timezone=True)),
    Column("copy_saved_at", DateTime(timezone=True)),  # copy appended to the Sent folder
    Column("copy_attempts", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"status IN {OUTBOUND_STATUSES!r}", name="status"),
    Index(
        "ix_outbound_messages_due",
        "next_attempt_at",
        postgresql_where=text("status IN ('queued', 'retry')"),
    ),
    Index(
        "ix_outbound_messages_claimed",
        "claimed_until",
        postgresql_where=text("status IN ('sending', 'transmitting')"),
    ),
)

send_attempts = Table(
    "send_attempts",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column(
        "command_id",
        Uuid,
        ForeignKey(outbound_messages.c.command_id, ondelete="CASCADE"),
        nullable=False,
    ),
    Column("attempt", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("outcome", Text, nullable=False),  # sent, retry, failed, unknown
    Column("smtp_code", Integer),
    Column("error", Text),
    Index("ix_send_attempts_command_id", "command_id"),
)

"""Tables of the `documents` schema."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "documents"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)

# Every file made, one row per version; a row is written only after its file is stored.
documents = Table(
    "documents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("proposal_id", Uuid, nullable=False),
    Column("number", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("request_event_id", Uuid, nullable=False, unique=True),
    Column("storage_key", Text, nullable=False, unique=True),
    Column("filename", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("render_ms", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("number", "version", name="uq_documents_number_version"),
    Index("ix_documents_order_id", "order_id"),
    Index("ix_documents_proposal_id", "proposal_id"),
)

# Requests that ended in document.failed, with the reason given.
failures = Table(
    "failures",
    metadata,
    Column("request_event_id", Uuid, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("proposal_id", Uuid, nullable=False),
    Column("failure", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

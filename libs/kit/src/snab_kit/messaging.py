"""The outbox and inbox tables each service keeps in its own schema."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
    text,
)


class MessagingTables:
    """``outbox``: events written in the same transaction as the change they report.
    ``inbox``: ids of events a consumer has handled, written with the handler's effects."""

    def __init__(self, metadata: MetaData) -> None:
        self.outbox = Table(
            "outbox",
            metadata,
            Column("seq", BigInteger, Identity(), primary_key=True),
            Column("id", Uuid, nullable=False, unique=True),
            Column("subject", Text, nullable=False),
            Column("payload", LargeBinary, nullable=False),
            Column(
                "created_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
            Column("published_at", DateTime(timezone=True)),
            Index(
                "ix_outbox_pending",
                "seq",
                postgresql_where=text("published_at IS NULL"),
            ),
        )
        self.inbox = Table(
            "inbox",
            metadata,
            Column("consumer", Text, nullable=False),
            Column("event_id", Uuid, nullable=False),
            Column("subject", Text, nullable=False),
            Column(
                "handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()
            ),
            PrimaryKeyConstraint("consumer", "event_id"),
        )

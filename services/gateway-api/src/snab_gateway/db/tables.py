"""Tables of the ``gateway`` schema: the only state the gateway keeps.

``users``: who may log in, with what role. ``token_version`` grows when a password is
reset or the user is disabled: tokens carry the version they were issued with, so older
ones stop working at once.
``sessions``: server-side sessions (the web admin's cookies): the row's id is the SHA-256
of the secret in the cookie, so the table alone opens no session.
``login_attempts``: failed logins per account and per client address in the current
window (the login rate limit).
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    text,
)

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "gateway"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)

ROLES = ("admin", "manager")

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("full_name", Text, nullable=False, server_default=""),
    Column("role", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("token_version", Integer, nullable=False, server_default=text("1")),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("password_changed_at", DateTime(timezone=True)),
    Column("last_login_at", DateTime(timezone=True)),
    CheckConstraint(f"role IN {ROLES!r}", name="role"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("user_id", Uuid, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("user_agent", Text),
    Column("address", Text),
    Index("ix_sessions_user_id", "user_id"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("key", Text, primary_key=True),
    Column("attempts", Integer, nullable=False),
    Column("window_started_at", DateTime(timezone=True), nullable=False),
)

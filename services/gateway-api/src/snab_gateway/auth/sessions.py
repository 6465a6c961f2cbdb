"""Server-side sessions for the web admin's cookies.

The cookie holds a random secret; the table holds its SHA-256, the user, and the expiry.
A session ends when it expires, when the user logs out, and — like API tokens — when the
user is disabled or their password is reset.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from snab_gateway.auth.models import User
from snab_gateway.auth.users import get_user, utcnow
from snab_gateway.db.tables import sessions, users

TOUCH_EVERY = timedelta(minutes=5)
"""``last_seen_at`` is written at most this often (not on every page)."""


def _session_id(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def open_session(
    *,
    session: AsyncSession,
    user: User,
    lifetime: timedelta,
    user_agent: str | None = None,
    address: str | None = None,
    now: datetime | None = None,
) -> str:
    """A new session of ``user``; returns the secret to put in the cookie."""
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    await session.execute(
        sessions.insert().values(
            id=_session_id(secret),
            user_id=user.user_id,
            created_at=now,
            expires_at=now + lifetime,
            last_seen_at=now,
            user_agent=(user_agent or "")[:300] or None,
            address=address,
        )
    )
    await session.commit()
    return secret


async def session_user(
    *, session: AsyncSession, secret: str, now: datetime | None = None
) -> User | None:
    """The user of a live session, or None (unknown, expired, ended, user disabled)."""
    now = now or utcnow()
    row = (
        await session.execute(
            select(sessions.c.id, sessions.c.user_id, sessions.c.last_seen_at)
            .join(users, users.c.id == sessions.c.user_id)
            .where(
                sessions.c.id == _session_id(secret),
                sessions.c.revoked_at.is_(None),
                sessions.c.expires_at > now,
                users.c.active,
            )
        )
    ).first()
    if row is None:
        return None
    if row.last_seen_at is None or now - row.last_seen_at > TOUCH_EVERY:
        await session.execute(
            update(sessions).where(sessions.c.id == row.id).values(last_seen_at=now)
        )
        await session.commit()
    return await get_user(session=session, user_id=row.user_id)


async def close_session(*, session: AsyncSession, secret: str) -> None:
    await session.execute(
        update(sessions)
        .where(sessions.c.id == _session_id(secret), sessions.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    await session.commit()

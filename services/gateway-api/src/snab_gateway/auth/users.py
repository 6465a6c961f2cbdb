"""Use cases of users and logins. Each takes the session explicitly and commits its own
writes; rules live in ``rules.py``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from snab_gateway.auth import rules
from snab_gateway.auth.errors import InvalidCredentials, LoginThrottled
from snab_gateway.auth.models import User
from snab_gateway.auth.passwords import hash_password, verify_password
from snab_gateway.auth.rules import LoginLimits, Role
from snab_gateway.db.tables import login_attempts, sessions, users
from snab_kit.errors import ConflictError, NotFoundError
from snab_kit.logging import get_logger

log = get_logger(__name__)

_VIEW = (
    users.c.id.label("user_id"),
    users.c.username,
    users.c.full_name,
    users.c.role,
    users.c.active,
    users.c.created_at,
    users.c.updated_at,
    users.c.password_changed_at,
    users.c.last_login_at,
)


_ADMIN_LOCK = 0x5E5A_0001
"""Advisory lock taken by every change of a role or active flag."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _user(row: Row[Any] | Any) -> User:
    return User.model_validate(row._mapping)


async def get_user(*, session: AsyncSession, user_id: UUID) -> User:
    row = (await session.execute(select(*_VIEW).where(users.c.id == user_id))).first()
    if row is None:
        raise NotFoundError("пользователь не найден", user_id=str(user_id))
    return _user(row)


async def list_users(*, session: AsyncSession) -> list[User]:
    rows = await session.execute(select(*_VIEW).order_by(users.c.username))
    return [_user(r) for r in rows]


async def token_user(*, session: AsyncSession, user_id: UUID, version: int) -> User | None:
    """The user a token names, while the token is still theirs: active, and not issued
    before a password reset or a disable (``token_version``)."""
    row = (
        await session.execute(
            select(*_VIEW).where(
                users.c.id == user_id, users.c.token_version == version, users.c.active
            )
        )
    ).first()
    return _user(row) if row is not None else None


async def token_version(*, session: AsyncSession, user_id: UUID) -> int:
    version = await session.scalar(select(users.c.token_version).where(users.c.id == user_id))
    if version is None:
        raise NotFoundError("пользователь не найден", user_id=str(user_id))
    return int(version)


async def create_user(
    *,
    session: AsyncSession,
    username: str,
    password: str,
    role: Role,
    full_name: str = "",
    created_by: str | None = None,
) -> User:
    name = rules.check_username(username)
    rules.check_password(password)
    hashed = await hash_password(password)
    now = utcnow()
    try:
        row = (
            await session.execute(
                insert(users)
                .values(
                    id=uuid.uuid4(),
                    username=name,
                    full_name=full_name.strip(),
                    role=role.value,
                    password_hash=hashed,
                    created_by=created_by,
                    created_at=now,
                    updated_at=now,
                    password_changed_at=now,
                )
                .returning(*_VIEW)
            )
        ).one()
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise ConflictError("пользователь с таким именем уже есть", username=name) from None
    log.info("user_created", username=name, role=role.value, by=created_by)
    return _user(row)


async def update_user(
    *,
    session: AsyncSession,
    user_id: UUID,
    role: Role | None = None,
    active: bool | None = None,
    full_name: str | None = None,
    by: User,
) -> User:
    """Change role, active flag or name. Disabling ends the user's tokens and sessions at
    once; the last active admin can be neither disabled nor demoted, and nobody changes
    their own role or access."""
    # One admin change at a time: two admins demoting each other must not leave none.
    await session.execute(select(func.pg_advisory_xact_lock(_ADMIN_LOCK)))
    row = (
        await session.execute(
            select(users.c.role, users.c.active).where(users.c.id == user_id).with_for_update()
        )
    ).first()
    if row is None:
        raise NotFoundError("пользователь не найден", user_id=str(user_id))
    new_role = role.value if role is not None else row.role
    new_active = active if active is not None else row.active
    if (new_role, new_active) != (row.role, row.active):
        rules.check_not_self(
            by=by.user_id,
            target=user_id,
            message="свою роль и доступ меняет другой администратор",
        )
    active_admins = await session.scalar(
        select(func.count()).where(users.c.role == Role.ADMIN.value, users.c.active)
    )
    rules.check_admins_left(
        active_admins=int(active_admins or 0),
        was_active_admin=row.role == Role.ADMIN.value and row.active,
        stays_active_admin=new_role == Role.ADMIN.value and new_active,
    )
    values: dict[str, Any] = {"role": new_role, "active": new_active, "updated_at": utcnow()}
    if full_name is not None:
        values["full_name"] = full_name.strip()
    if row.active and not new_active:
        values["token_version"] = users.c.token_version + 1
        await _end_sessions(session, user_id)
    await session.execute(update(users).where(users.c.id == user_id).values(**values))
    await session.commit()
    log.info("user_changed", user_id=str(user_id), role=new_role, active=new_active, by=by.actor)
    return await get_user(session=session, user_id=user_id)


async def reset_password(*, session: AsyncSession, user_id: UUID, password: str, by: User) -> User:
    """An admin sets another user's password; every token and session of that user ends."""
    rules.check_not_self(
        by=by.user_id,
        target=user_id,
        message="свой пароль меняют в профиле, с текущим паролем",
    )
    return await set_password(session=session, user_id=user_id, password=password, by=by.actor)


async def set_password(
    *, session: AsyncSession, user_id: UUID, password: str, by: str, field: str = "password"
) -> User:
    """A new password; every token and session of the user ends."""
    rules.check_password(password, field=field)
    hashed = await hash_password(password)
    now = utcnow()
    changed = await session.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            password_hash=hashed,
            token_version=users.c.token_version + 1,
            password_changed_at=now,
            updated_at=now,
        )
        .returning(users.c.id)
    )
    if changed.first() is None:
        await session.rollback()
        raise NotFoundError("пользователь не найден", user_id=str(user_id))
    await _end_sessions(session, user_id)
    await session.commit()
    log.info("password_set", user_id=str(user_id), by=by)
    return await get_user(session=session, user_id=user_id)


async def change_own_password(
    *, session: AsyncSession, user: User, current_password: str, new_password: str
) -> User:
    hashed = await session.scalar(select(users.c.password_hash).where(users.c.id == user.user_id))
    ok, _ = await verify_password(current_password, hashed)
    if not ok:
        raise InvalidCredentials()
    return await set_password(
        session=session,
        user_id=user.user_id,
        password=new_password,
        by=user.actor,
        field="new_password",
    )


async def _end_sessions(session: AsyncSession, user_id: UUID) -> None:
    await session.execute(
        update(sessions)
        .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def authenticate(
    *,
    session: AsyncSession,
    username: str,
    password: str,
    address: str,
    limits: LoginLimits,
    now: datetime | None = None,
) -> User:
    """The user, when the name and password match and neither the account nor the client
    address has used up its attempts; ``LoginThrottled`` (with the wait) or
    ``InvalidCredentials`` otherwise. A disabled user cannot log in (and is not told so)."""
    now = now or utcnow()
    keys = (
        (rules.account_key(username), limits.per_account),
        (rules.address_key(address), limits.per_address),
    )
    waits = []
    for key, limit in keys:
        attempts, started = await _count_attempt(session, key, now, limits)
        wait = rules.wait_seconds(
            attempts=attempts, limit=limit, window_started_at=started, window=limits.window, now=now
        )
        if wait is not None:
            waits.append(wait)
    await session.commit()  # the attempt counts even if what follows fails
    if waits:
        log.info("login_throttled", account=rules.account_key(username), address=address)
        raise LoginThrottled(max(waits))
    row = None
    if rules.is_username(username):
        row = (
            await session.execute(
                select(*_VIEW, users.c.password_hash).where(
                    users.c.username == rules.normal_username(username)
                )
            )
        ).first()
    ok, updated = await verify_password(password, row.password_hash if row else None)
    if row is None or not ok or not row.active:
        log.info("login_failed", account=rules.account_key(username), address=address)
        raise InvalidCredentials()
    values: dict[str, Any] = {"last_login_at": now}
    if updated is not None:
        values["password_hash"] = updated
    await session.execute(update(users).where(users.c.id == row.user_id).values(**values))
    # A good login clears the account's count and gives the address its attempt back.
    await session.execute(delete(login_attempts).where(login_attempts.c.key == keys[0][0]))
    await session.execute(
        update(login_attempts)
        .where(login_attempts.c.key == keys[1][0], login_attempts.c.attempts > 0)
        .values(attempts=login_attempts.c.attempts - 1)
    )
    await session.commit()
    log.info("login", username=row.username)
    return await get_user(session=session, user_id=row.user_id)


async def _count_attempt(
    session: AsyncSession, key: str, now: datetime, limits: LoginLimits
) -> tuple[int, datetime]:
    """Count one more attempt under ``key`` (a new window when the old one is over)."""
    stale = login_attempts.c.window_started_at < rules.window_start(now, limits.window)
    stmt = (
        pg_insert(login_attempts)
        .values(key=key, attempts=1, window_started_at=now)
        .on_conflict_do_update(
            index_elements=[login_attempts.c.key],
            set_={
                "attempts": case((stale, 1), else_=login_attempts.c.attempts + 1),
                "window_started_at": case((stale, now), else_=login_attempts.c.window_started_at),
            },
        )
        .returning(login_attempts.c.attempts, login_attempts.c.window_started_at)
    )
    row = (await session.execute(stmt)).one()
    return int(row.attempts), row.window_started_at


async def ensure_first_admin(*, session: AsyncSession, username: str, password: str) -> bool:
    """Create the admin named in the settings unless a user of that name exists."""
    name = rules.normal_username(username)
    if await session.scalar(select(users.c.id).where(users.c.username == name)) is not None:
        return False
    try:
        await create_user(
            session=session,
            username=name,
            password=password,
            role=Role.ADMIN,
            full_name="Администратор",
            created_by="settings",
        )
    except ConflictError:  # another replica made it first
        return False
    return True


async def count_users(*, session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(users)) or 0)

"""The rules of users and logins (no I/O)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from snab_kit.errors import ConflictError, RuleViolation


class Role(StrEnum):
    """``manager`` works the desk; ``admin`` also manages users."""

    ADMIN = "admin"
    MANAGER = "manager"


USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,30}[a-z0-9]$"
"""2–32 characters: lower-case Latin letters, digits, and . _ - inside. The name is part of
the actor of every rpc (``user:<name>``) and of the audit log, so it is kept plain."""
_USERNAME = re.compile(USERNAME_PATTERN)

PASSWORD_MIN = 8
PASSWORD_MAX = 128  # argon2 would take more; a megabyte "password" is an attack, not a secret


def normal_username(name: str) -> str:
    """The stored form of a login name: what people type, trimmed and in lower case."""
    return name.strip().lower()


def check_username(name: str) -> str:
    username = normal_username(name)
    if not _USERNAME.fullmatch(username):
        raise RuleViolation(
            "имя пользователя: 2–32 символа, латинские буквы, цифры, точка, дефис, подчёркивание",
            errors=[{"loc": "username", "type": "username", "msg": "2-32 of a-z 0-9 . _ -"}],
        )
    return username


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain_text(value: str) -> str:
    """A name as people write it: no control characters (PostgreSQL text holds no NUL)."""
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def check_password(password: str, *, field: str = "password") -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise RuleViolation(
            f"пароль: от {PASSWORD_MIN} до {PASSWORD_MAX} символов",
            errors=[{"loc": field, "type": "password_length", "msg": "8-128 characters"}],
        )
    return password


def actor(username: str) -> str:
    """Who acts, as the rpc boundary and the audit log name a user."""
    return f"user:{username}"


def check_admins_left(
    *, active_admins: int, was_active_admin: bool, stays_active_admin: bool
) -> None:
    """Someone must still be able to manage users after the change."""
    if was_active_admin and not stays_active_admin and active_admins <= 1:
        raise ConflictError("нельзя отключить или понизить последнего администратора")


def check_not_self(*, by: UUID, target: UUID, message: str) -> None:
    """An admin does not lock themselves out: another admin changes their role or access,
    and their own password is changed with the current one (PUT /auth/me/password)."""
    if by == target:
        raise ConflictError(message)


# -- the login limit --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoginLimits:
    per_account: int
    per_address: int
    window: timedelta


def is_username(name: str) -> bool:
    return _USERNAME.fullmatch(normal_username(name)) is not None


def account_key(username: str) -> str:
    """The limit's key of an account; a name that cannot be one (it may hold anything a
    client sends) is counted under its hash."""
    name = normal_username(username)
    if _USERNAME.fullmatch(name):
        return f"account:{name}"
    return f"account:#{hashlib.sha256(name.encode('utf-8', 'replace')).hexdigest()[:32]}"


def address_key(address: str) -> str:
    return f"address:{address[:100]}"


def window_start(now: datetime, window: timedelta) -> datetime:
    """Attempts counted in a window that started before this are forgotten."""
    return now - window


def wait_seconds(
    *, attempts: int, limit: int, window_started_at: datetime, window: timedelta, now: datetime
) -> float | None:
    """Seconds until attempt number ``attempts`` of the window would be allowed; None when it
    is allowed now. Failed attempts are counted before the password is checked, so a loop
    of concurrent guesses cannot slip past the count."""
    if attempts <= limit:
        return None
    return max(1.0, (window_started_at + window - now).total_seconds())

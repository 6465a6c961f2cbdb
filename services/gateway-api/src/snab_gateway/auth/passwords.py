"""Argon2id password hashes (pwdlib). Hashing takes tens of milliseconds of CPU on
purpose: it runs in a thread, off the event loop."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_HASHER = PasswordHash((Argon2Hasher(),))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_HASHER.hash, password)


async def verify_password(password: str, hashed: str | None) -> tuple[bool, str | None]:
    """Whether ``password`` matches, and a new hash when the stored one uses older
    parameters. Without a stored hash (no such user) a dummy one is checked, so that an
    unknown name takes as long as a wrong password."""
    target = hashed if hashed is not None else _dummy_hash()
    try:
        ok, updated = await asyncio.to_thread(_HASHER.verify_and_update, password, target)
    except (UnicodeError, ValueError):  # not a password anyone could have set
        return False, None
    return ok and hashed is not None, updated


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a password of anyone")

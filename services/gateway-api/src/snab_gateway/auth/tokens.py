"""API tokens: JWT (HS256) naming the user and the user's token version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import jwt

ALGORITHM = "HS256"
TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: UUID
    version: int


def issue_token(
    *, user_id: UUID, version: int, key: str, lifetime: timedelta, now: datetime
) -> str:
    payload = {
        "sub": str(user_id),
        "ver": version,
        "typ": TOKEN_TYPE,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def read_token(token: str, *, key: str) -> TokenClaims | None:
    """The claims of a token we signed that has not expired; None for anything else."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "ver"]},
        )
        if claims.get("typ") != TOKEN_TYPE or not isinstance(claims["ver"], int):
            return None
        return TokenClaims(user_id=UUID(str(claims["sub"])), version=claims["ver"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None

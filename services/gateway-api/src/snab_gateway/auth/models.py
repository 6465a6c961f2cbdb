"""Users as the API shows them, and what the API takes to make or change one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from snab_gateway.auth.rules import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_PATTERN,
    Role,
    actor,
    plain_text,
)

Password = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
PlainText = Annotated[str, AfterValidator(plain_text)]


class User(BaseModel):
    """A user of the desk (never with a password hash)."""

    model_config = ConfigDict(frozen=True)

    user_id: UUID
    username: str = Field(examples=["anna"])
    full_name: str = Field(default="", examples=["Анна Смирнова"])
    role: Role
    active: bool = True
    created_at: datetime
    updated_at: datetime
    password_changed_at: datetime | None = None
    last_login_at: datetime | None = None

    @property
    def actor(self) -> str:
        """``user:<username>``: who acts, in rpc requests and the orders audit log."""
        return actor(self.username)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class UserList(BaseModel):
    items: list[User]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserCreate(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "username": "anna",
                    "password": "correct horse battery",
                    "role": "manager",
                    "full_name": "Анна Смирнова",
                }
            ]
        },
    )

    username: str = Field(pattern=USERNAME_PATTERN, description="2–32 of a-z 0-9 . _ -")
    password: str = Password
    role: Role = Role.MANAGER
    full_name: PlainText = Field(default="", max_length=200)


class UserUpdate(_Input):
    """Change a user: any of role, active (false disables the user and ends their tokens
    and sessions at once), full name."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"active": False}, {"role": "admin"}]}
    )

    role: Role | None = None
    active: bool | None = None
    full_name: PlainText | None = Field(default=None, max_length=200)


class PasswordReset(_Input):
    """A new password set by an admin; the user's tokens and sessions end."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"password": "a new long secret"}]}
    )

    password: str = Password


class PasswordChange(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"current_password": "old secret 123", "new_password": "new secret 456"}]
        },
    )

    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Password


class Token(BaseModel):
    """An OAuth2 bearer token: send it as ``Authorization: Bearer <access_token>``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIs…",
                    "token_type": "bearer",
                    "expires_in": 86400,
                }
            ]
        }
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int = Field(ge=1, description="Seconds until the token expires.")

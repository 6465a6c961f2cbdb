"""Typed dependencies of the routes: the database session, the rpc client, the current
user (and the admin), the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from snab_gateway.auth import users
from snab_gateway.auth.errors import NotAllowed, NotAuthenticated
from snab_gateway.auth.models import User
from snab_gateway.auth.tokens import read_token
from snab_gateway.rpc import GatewayRpc
from snab_gateway.settings import GatewaySettings
from snab_kit.rpc import RpcClient, Unavailable
from snab_kit.service import Service

TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the app holds for its routes, set when it starts."""

    service: Service
    settings: GatewaySettings
    secret_key: str


# Dependencies are coroutines even when they do not await: FastAPI runs a plain function
# in a worker thread, a hop that costs more than the function.


async def runtime(request: Request) -> Runtime:
    found = getattr(request.app.state, "runtime", None)
    assert isinstance(found, Runtime), "the gateway app was not built by snab_gateway.main"
    return found


RuntimeDep = Annotated[Runtime, Depends(runtime)]


async def get_settings(rt: RuntimeDep) -> GatewaySettings:
    return rt.settings


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]


async def get_session(rt: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with rt.service.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_rpc(rt: RuntimeDep) -> RpcClient:
    try:
        connection = rt.service.broker.connection
    except Exception:
        raise Unavailable("the gateway is not connected to NATS") from None
    return GatewayRpc(connection, rt.service.names, timeout=rt.settings.rpc_timeout_seconds)


RpcDep = Annotated[RpcClient, Depends(get_rpc)]

bearer = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    auto_error=False,
    description="A token from POST /api/v1/auth/token (username and password).",
)


async def current_user(rt: RuntimeDep, token: Annotated[str | None, Depends(bearer)]) -> User:
    """The user of a valid bearer token: signed by us, not expired, issued to an active
    user since their last password reset (checked on every request: a disabled user's
    token stops working at once). The lookup has a session of its own, closed at once:
    a route that then waits for a service holds no database connection meanwhile."""
    if not token:
        raise NotAuthenticated("нужен вход: передайте токен в заголовке Authorization")
    claims = read_token(token, key=rt.secret_key)
    if claims is None:
        raise NotAuthenticated("токен неверен или устарел: войдите снова")
    async with rt.service.sessions() as session:
        user = await users.token_user(
            session=session, user_id=claims.user_id, version=claims.version
        )
    if user is None:
        raise NotAuthenticated("токен больше не действует: войдите снова")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def require_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise NotAllowed("только для администратора")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


def client_address(request: Request) -> str:
    """The client's address (a trusted proxy's X-Forwarded-For already applied)."""
    return request.client.host if request.client else "unknown"

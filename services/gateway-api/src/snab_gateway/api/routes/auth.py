"""Tokens (OAuth2 password flow) and the current user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import OAuth2PasswordRequestForm

from snab_gateway.api.deps import CurrentUser, RuntimeDep, SessionDep, client_address, current_user
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import ok
from snab_gateway.auth import users
from snab_gateway.auth.models import PasswordChange, Token, User
from snab_gateway.auth.rules import LoginLimits
from snab_gateway.auth.tokens import issue_token

public = APIRouter(prefix="/auth", tags=["auth"])
router = APIRouter(prefix="/auth", tags=["auth"], dependencies=[Depends(current_user)])


@public.post(
    "/token",
    response_model=Token,
    summary="Log in: a bearer token for the API",
    responses=responses(401, 422, 429),
)
async def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    rt: RuntimeDep,
) -> Response:
    """The OAuth2 password flow (form fields ``username`` and ``password``), so standard
    clients work. Failed logins are limited per account and per client address: past the
    limit the answer is 429 with ``Retry-After``, whatever the password."""
    settings = rt.settings
    user = await users.authenticate(
        session=session,
        username=form.username[:200],
        password=form.password[:1000],
        address=client_address(request),
        limits=LoginLimits(
            per_account=settings.login_attempts_per_account,
            per_address=settings.login_attempts_per_address,
            window=timedelta(seconds=settings.login_window_seconds),
        ),
    )
    lifetime = timedelta(hours=settings.api_access_hours)
    version = await users.token_version(session=session, user_id=user.user_id)
    token = issue_token(
        user_id=user.user_id,
        version=version,
        key=rt.secret_key,
        lifetime=lifetime,
        now=datetime.now(UTC),
    )
    return ok(Token(access_token=token, expires_in=int(lifetime.total_seconds())))


@router.get("/me", response_model=User, summary="Who I am", responses=responses(401))
async def me(user: CurrentUser) -> Response:
    return ok(user)


@router.put(
    "/me/password",
    response_model=User,
    summary="Change my password",
    responses=responses(401, 422),
)
async def change_password(body: PasswordChange, user: CurrentUser, session: SessionDep) -> Response:
    """Every token and session of the user ends, this one included: log in again."""
    changed = await users.change_own_password(
        session=session,
        user=user,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    return ok(changed)

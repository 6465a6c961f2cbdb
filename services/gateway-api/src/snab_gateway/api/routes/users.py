"""User management: admins only."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from snab_gateway.api.deps import AdminUser, SessionDep, current_user, require_admin
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import ok
from snab_gateway.auth import users
from snab_gateway.auth.models import PasswordReset, User, UserCreate, UserList, UserUpdate

router = APIRouter(
    prefix="/users",
    tags=["users"],
    dependencies=[Depends(current_user), Depends(require_admin)],
    responses=responses(401, 403),
)


@router.get("", response_model=UserList, summary="Users")
async def list_users(session: SessionDep, admin: AdminUser) -> Response:
    return ok(UserList(items=await users.list_users(session=session)))


@router.post(
    "", response_model=User, status_code=201, summary="Add a user", responses=responses(409, 422)
)
async def create_user(body: UserCreate, session: SessionDep, admin: AdminUser) -> Response:
    made = await users.create_user(
        session=session,
        username=body.username,
        password=body.password,
        role=body.role,
        full_name=body.full_name,
        created_by=admin.actor,
    )
    return ok(made, status_code=201)


@router.get("/{user_id}", response_model=User, summary="A user", responses=responses(404, 422))
async def get_user(user_id: UUID, session: SessionDep, admin: AdminUser) -> Response:
    return ok(await users.get_user(session=session, user_id=user_id))


@router.patch(
    "/{user_id}",
    response_model=User,
    summary="Change role, disable or enable, rename",
    responses=responses(404, 409, 422),
)
async def update_user(
    user_id: UUID, body: UserUpdate, session: SessionDep, admin: AdminUser
) -> Response:
    """``active: false`` disables the user: their tokens and sessions stop working at
    once. The last active admin can be neither disabled nor demoted, and an admin's own
    role and access are changed by another admin (409)."""
    changed = await users.update_user(
        session=session,
        user_id=user_id,
        role=body.role,
        active=body.active,
        full_name=body.full_name,
        by=admin,
    )
    return ok(changed)


@router.put(
    "/{user_id}/password",
    response_model=User,
    summary="Reset a user's password",
    responses=responses(404, 409, 422),
)
async def reset_password(
    user_id: UUID, body: PasswordReset, session: SessionDep, admin: AdminUser
) -> Response:
    """The user's tokens and sessions end at once. One's own password is changed with
    the current one (PUT /auth/me/password): 409 here."""
    changed = await users.reset_password(
        session=session, user_id=user_id, password=body.password, by=admin
    )
    return ok(changed)

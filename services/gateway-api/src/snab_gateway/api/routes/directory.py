"""Suppliers, clients and categories."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from snab_contracts.rpc.common import Deleted
from snab_contracts.rpc.directory import (
    CategoryList,
    CategoryView,
    ClientPage,
    ClientView,
    SupplierPage,
    SupplierView,
)
from snab_gateway.api.deps import CurrentUser, RpcDep, current_user
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import ok
from snab_gateway.api.schemas import (
    CategoryBody,
    ClientBody,
    ClientQuery,
    SupplierBody,
    SupplierQuery,
)
from snab_gateway.desk import directory

router = APIRouter(dependencies=[Depends(current_user)], responses=responses(401, 422, 503))


@router.get("/suppliers", response_model=SupplierPage, tags=["suppliers"], summary="Suppliers")
async def list_suppliers(
    query: Annotated[SupplierQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    found = await directory.suppliers(
        rpc=rpc,
        user=user,
        query=query.q,
        category_id=query.category_id,
        active=query.active,
        page=query.page,
        page_size=query.page_size,
    )
    return ok(found)


@router.post(
    "/suppliers",
    response_model=SupplierView,
    status_code=201,
    tags=["suppliers"],
    summary="Add a supplier",
    responses=responses(404, 409),
)
async def create_supplier(body: SupplierBody, user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await directory.create_supplier(rpc=rpc, user=user, data=body), status_code=201)


@router.get(
    "/suppliers/{supplier_id}",
    response_model=SupplierView,
    tags=["suppliers"],
    summary="A supplier",
    responses=responses(404),
)
async def get_supplier(supplier_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await directory.supplier(rpc=rpc, user=user, supplier_id=supplier_id))


@router.put(
    "/suppliers/{supplier_id}",
    response_model=SupplierView,
    tags=["suppliers"],
    summary="Replace a supplier's data",
    responses=responses(404, 409),
)
async def update_supplier(
    supplier_id: UUID, body: SupplierBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    updated = await directory.update_supplier(
        rpc=rpc, user=user, supplier_id=supplier_id, data=body
    )
    return ok(updated)


@router.delete(
    "/suppliers/{supplier_id}",
    response_model=Deleted,
    tags=["suppliers"],
    summary="Delete a supplier (deactivated when requests refer to it)",
    responses=responses(404),
)
async def delete_supplier(supplier_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await directory.delete_supplier(rpc=rpc, user=user, supplier_id=supplier_id))


@router.get("/clients", response_model=ClientPage, tags=["clients"], summary="Clients")
async def list_clients(
    query: Annotated[ClientQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    found = await directory.clients(
        rpc=rpc, user=user, query=query.q, page=query.page, page_size=query.page_size
    )
    return ok(found)


@router.post(
    "/clients",
    response_model=ClientView,
    status_code=201,
    tags=["clients"],
    summary="Add a client",
    responses=responses(409),
)
async def create_client(body: ClientBody, user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await directory.create_client(rpc=rpc, user=user, data=body), status_code=201)


@router.get(
    "/clients/{client_id}",
    response_model=ClientView,
    tags=["clients"],
    summary="A client",
    responses=responses(404),
)
async def get_client(client_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await directory.client(rpc=rpc, user=user, client_id=client_id))


@router.put(
    "/clients/{client_id}",
    response_model=ClientView,
    tags=["clients"],
    summary="Replace a client's data",
    responses=responses(404, 409),
)
async def update_client(
    client_id: UUID, body: ClientBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    return ok(await directory.update_client(rpc=rpc, user=user, client_id=client_id, data=body))


@router.delete(
    "/clients/{client_id}",
    response_model=Deleted,
    tags=["clients"],
    summary="Delete a client (deactivated when orders refer to it)",
    responses=responses(404),
)
async def delete_client(client_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await directory.delete_client(rpc=rpc, user=user, client_id=client_id))


@router.get("/categories", response_model=CategoryList, tags=["suppliers"], summary="Categories")
async def list_categories(user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await directory.categories(rpc=rpc, user=user))


@router.post(
    "/categories",
    response_model=CategoryView,
    status_code=201,
    tags=["suppliers"],
    summary="Add a category",
    responses=responses(404, 409),
)
async def create_category(body: CategoryBody, user: CurrentUser, rpc: RpcDep) -> Response:
    made = await directory.create_category(
        rpc=rpc, user=user, name=body.name, parent_id=body.parent_id
    )
    return ok(made, status_code=201)

"""Suppliers, clients and categories."""

from __future__ import annotations

from uuid import UUID

from snab_contracts.rpc.common import Deleted
from snab_contracts.rpc.directory import (
    CategoriesCreate,
    CategoriesList,
    CategoryList,
    CategoryView,
    ClientInput,
    ClientPage,
    ClientsCreate,
    ClientsDelete,
    ClientsGet,
    ClientsList,
    ClientsUpdate,
    ClientView,
    SupplierInput,
    SupplierPage,
    SuppliersCreate,
    SuppliersDelete,
    SuppliersGet,
    SuppliersList,
    SuppliersUpdate,
    SupplierView,
)
from snab_gateway.auth.models import User
from snab_kit.rpc import RpcClient


async def suppliers(
    *,
    rpc: RpcClient,
    user: User,
    query: str | None = None,
    category_id: UUID | None = None,
    active: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> SupplierPage:
    return await rpc.call(
        SuppliersList(
            query=query,
            category_id=category_id,
            active=active,
            page=page,
            page_size=page_size,
            actor=user.actor,
        )
    )


async def supplier(*, rpc: RpcClient, user: User, supplier_id: UUID) -> SupplierView:
    return await rpc.call(SuppliersGet(supplier_id=supplier_id, actor=user.actor))


async def create_supplier(*, rpc: RpcClient, user: User, data: SupplierInput) -> SupplierView:
    return await rpc.call(SuppliersCreate(supplier=data, actor=user.actor))


async def update_supplier(
    *, rpc: RpcClient, user: User, supplier_id: UUID, data: SupplierInput
) -> SupplierView:
    return await rpc.call(SuppliersUpdate(supplier_id=supplier_id, supplier=data, actor=user.actor))


async def delete_supplier(*, rpc: RpcClient, user: User, supplier_id: UUID) -> Deleted:
    return await rpc.call(SuppliersDelete(supplier_id=supplier_id, actor=user.actor))


async def clients(
    *, rpc: RpcClient, user: User, query: str | None = None, page: int = 1, page_size: int = 50
) -> ClientPage:
    return await rpc.call(
        ClientsList(query=query, page=page, page_size=page_size, actor=user.actor)
    )


async def client(*, rpc: RpcClient, user: User, client_id: UUID) -> ClientView:
    return await rpc.call(ClientsGet(client_id=client_id, actor=user.actor))


async def create_client(*, rpc: RpcClient, user: User, data: ClientInput) -> ClientView:
    return await rpc.call(ClientsCreate(client=data, actor=user.actor))


async def update_client(
    *, rpc: RpcClient, user: User, client_id: UUID, data: ClientInput
) -> ClientView:
    return await rpc.call(ClientsUpdate(client_id=client_id, client=data, actor=user.actor))


async def delete_client(*, rpc: RpcClient, user: User, client_id: UUID) -> Deleted:
    return await rpc.call(ClientsDelete(client_id=client_id, actor=user.actor))


async def categories(*, rpc: RpcClient, user: User) -> CategoryList:
    return await rpc.call(CategoriesList(actor=user.actor))


async def create_category(
    *, rpc: RpcClient, user: User, name: str, parent_id: UUID | None = None
) -> CategoryView:
    return await rpc.call(CategoriesCreate(name=name, parent_id=parent_id, actor=user.actor))

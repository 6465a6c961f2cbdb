"""rpc.clients.*, rpc.suppliers.*, rpc.categories.*: the directory (answered by orders)."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from pydantic import EmailStr, Field

from snab_contracts.base import Contract, RpcRequest, UtcDatetime
from snab_contracts.rpc.common import Deleted, PagedRequest
from snab_contracts.values import Inn, Kpp

# --- categories --------------------------------------------------------------------------


class CategoryRef(Contract):
    category_id: UUID
    name: str


class CategoryView(Contract):
    category_id: UUID
    name: str
    parent_id: UUID | None = None
    suppliers_count: int = Field(default=0, ge=0)


class CategoryList(Contract):
    items: list[CategoryView]


class CategoriesList(RpcRequest[CategoryList]):
    SUBJECT: ClassVar[str] = "rpc.categories.list"


class CategoriesCreate(RpcRequest[CategoryView]):
    SUBJECT: ClassVar[str] = "rpc.categories.create"

    name: str = Field(min_length=1, max_length=200)
    parent_id: UUID | None = None


# --- clients -----------------------------------------------------------------------------


class ClientInput(Contract):
    """A client as a manager enters it."""

    name: str = Field(min_length=1, max_length=500)
    inn: Inn | None = None
    kpp: Kpp | None = None
    emails: list[EmailStr] = Field(default_factory=list)
    phone: str | None = Field(default=None, max_length=50)
    contact_name: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=1000)
    notes: str | None = Field(default=None, max_length=5000)


class ClientView(Contract):
    client_id: UUID
    name: str
    inn: str | None = None
    kpp: str | None = None
    emails: list[str] = Field(default_factory=list)
    phone: str | None = None
    contact_name: str | None = None
    address: str | None = None
    notes: str | None = None
    orders_count: int = Field(default=0, ge=0)
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ClientPage(Contract):
    items: list[ClientView]
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class ClientsList(PagedRequest[ClientPage]):
    """Clients; ``query`` matches name, INN and email."""

    SUBJECT: ClassVar[str] = "rpc.clients.list"

    query: str | None = Field(default=None, max_length=200)


class ClientsGet(RpcRequest[ClientView]):
    SUBJECT: ClassVar[str] = "rpc.clients.get"

    client_id: UUID


class ClientsCreate(RpcRequest[ClientView]):
    SUBJECT: ClassVar[str] = "rpc.clients.create"

    client: ClientInput


class ClientsUpdate(RpcRequest[ClientView]):
    """Replace a client's data (every field of ``client`` is written)."""

    SUBJECT: ClassVar[str] = "rpc.clients.update"

    client_id: UUID
    client: ClientInput


class ClientsDelete(RpcRequest[Deleted]):
    SUBJECT: ClassVar[str] = "rpc.clients.delete"

    client_id: UUID


# --- suppliers ---------------------------------------------------------------------------


class SupplierInput(Contract):
    """A supplier as a manager enters it."""

    company: str = Field(min_length=1, max_length=500)
    emails: list[EmailStr] = Field(min_length=1)
    category_ids: list[UUID] = Field(default_factory=list)
    inn: Inn | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    notes: str | None = Field(default=None, max_length=5000)
    active: bool = True


class SupplierView(Contract):
    supplier_id: UUID
    company: str
    emails: list[str] = Field(default_factory=list)
    categories: list[CategoryRef] = Field(default_factory=list)
    inn: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    notes: str | None = None
    active: bool = True
    requests_sent: int = Field(default=0, ge=0)
    response_rate: float | None = Field(default=None, ge=0, le=1)
    created_at: UtcDatetime
    updated_at: UtcDatetime


class SupplierPage(Contract):
    items: list[SupplierView]
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class SuppliersList(PagedRequest[SupplierPage]):
    """Suppliers; ``query`` matches company, email and INN."""

    SUBJECT: ClassVar[str] = "rpc.suppliers.list"

    query: str | None = Field(default=None, max_length=200)
    category_id: UUID | None = None
    active: bool | None = None


class SuppliersGet(RpcRequest[SupplierView]):
    SUBJECT: ClassVar[str] = "rpc.suppliers.get"

    supplier_id: UUID


class SuppliersCreate(RpcRequest[SupplierView]):
    SUBJECT: ClassVar[str] = "rpc.suppliers.create"

    supplier: SupplierInput


class SuppliersUpdate(RpcRequest[SupplierView]):
    """Replace a supplier's data (every field of ``supplier`` is written)."""

    SUBJECT: ClassVar[str] = "rpc.suppliers.update"

    supplier_id: UUID
    supplier: SupplierInput


class SuppliersDelete(RpcRequest[Deleted]):
    SUBJECT: ClassVar[str] = "rpc.suppliers.delete"

    supplier_id: UUID


REQUESTS: tuple[type[RpcRequest[Any]], ...] = (
    CategoriesList,
    CategoriesCreate,
    ClientsList,
    ClientsGet,
    ClientsCreate,
    ClientsUpdate,
    ClientsDelete,
    SuppliersList,
    SuppliersGet,
    SuppliersCreate,
    SuppliersUpdate,
    SuppliersDelete,
)

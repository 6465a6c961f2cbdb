"""rpc.documents.*: generated files (answered by documents)."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import Field

from snab_contracts.base import Contract, RpcRequest, UtcDatetime
from snab_contracts.documents import DocumentKind
from snab_contracts.values import Sha256Hex


class DocumentView(Contract):
    document_id: UUID
    order_id: UUID
    proposal_id: UUID | None = None
    kind: DocumentKind = "proposal"
    document_version: int = Field(ge=1)
    filename: str
    content_type: str = "application/pdf"
    size: int = Field(ge=0)
    sha256: Sha256Hex
    storage_key: str
    created_at: UtcDatetime
    url: str | None = Field(default=None, description="A time-limited link, when storage has one.")
    content_base64: str | None = Field(
        default=None, description="The file itself, when asked for with include_content."
    )


class DocumentList(Contract):
    items: list[DocumentView]


class DocumentsGet(RpcRequest[DocumentView]):
    SUBJECT: ClassVar[str] = "rpc.documents.get"

    document_id: UUID
    include_content: bool = False


class DocumentsList(RpcRequest[DocumentList]):
    """Every document of an order (or only of one of its proposals), newest version first."""

    SUBJECT: ClassVar[str] = "rpc.documents.list"

    order_id: UUID
    proposal_id: UUID | None = Field(default=None, description="Only this proposal's versions.")


REQUESTS = (DocumentsGet, DocumentsList)

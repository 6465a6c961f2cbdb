"""Documents (the КП PDFs), from the documents service."""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

from snab_contracts.rpc.documents import DocumentList, DocumentsGet, DocumentsList
from snab_gateway.auth.models import User
from snab_gateway.desk.models import FileResult
from snab_kit.rpc import RpcClient, RpcFailure, Unavailable

SAFE_TYPES = frozenset({"application/pdf"})
"""Types served as they are; anything else is served as application/octet-stream."""


async def document(*, rpc: RpcClient, user: User, document_id: UUID) -> FileResult:
    view = await rpc.call(
        DocumentsGet(document_id=document_id, include_content=True, actor=user.actor)
    )
    content_type = view.content_type if view.content_type in SAFE_TYPES else ""
    content_type = content_type or "application/octet-stream"
    if view.content_base64 is not None:
        try:
            content = base64.b64decode(view.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise RpcFailure("documents: content is not base64") from None
        return FileResult(filename=view.filename, content_type=content_type, content=content)
    if view.url:
        return FileResult(filename=view.filename, content_type=content_type, url=view.url)
    raise Unavailable("документ сейчас недоступен", document_id=str(document_id))


async def for_order(*, rpc: RpcClient, user: User, order_id: UUID) -> DocumentList:
    return await rpc.call(DocumentsList(order_id=order_id, actor=user.actor))

"""rpc.documents.*: the files made, their versions, their bytes or links."""

from __future__ import annotations

from snab_contracts.rpc.documents import DocumentList, DocumentsGet, DocumentsList, DocumentView
from snab_documents.services import documents
from snab_kit.service import Service
from snab_kit.storage import ObjectStorage


def register(service: Service, *, storage: ObjectStorage, url_ttl: int) -> None:
    @service.rpc(DocumentsGet)
    async def get(req: DocumentsGet) -> DocumentView:
        async with service.transaction() as tx:
            return await documents.get_document(
                session=tx.session, storage=storage, req=req, url_ttl=url_ttl
            )

    @service.rpc(DocumentsList)
    async def list_(req: DocumentsList) -> DocumentList:
        async with service.transaction() as tx:
            return await documents.list_documents(
                session=tx.session, storage=storage, req=req, url_ttl=url_ttl
            )

"""Events the documents service consumes."""

from __future__ import annotations

from snab_contracts.documents import DocumentRequested
from snab_documents.services.documents import MakeOptions, Renderer, make_document
from snab_kit.consume import Tx
from snab_kit.service import Service
from snab_kit.storage import ObjectStorage


def register(
    service: Service,
    *,
    renderer: Renderer,
    storage: ObjectStorage,
    options: MakeOptions,
    workers: int,
) -> None:
    # As many requests at once as there are render workers: more would only wait for one
    # while holding a message and a database connection.
    @service.on(DocumentRequested, workers=workers)
    async def on_document_requested(event: DocumentRequested, tx: Tx) -> None:
        await make_document(tx=tx, event=event, renderer=renderer, storage=storage, options=options)

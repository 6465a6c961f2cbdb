"""Use cases: make a document from a request, read documents back.

Making a document (``document.requested``, in the consumer's transaction):

    requisites missing ─────────────────────────────▶ document.failed (requisites)
    lock the number, next version ──▶ render in a worker ─▶ failed ─▶ document.failed
                                              │ timeout ────────────▶ document.failed (timeout)
                                              │ worker died ─────────▶ raise: redelivered later
                                              ▼
                          store the file (new key) ─▶ row + document.generated, one commit

The version comes from the table under a lock on the proposal's number, and the row is
written in the same commit as the event and the inbox mark, so a redelivered request finds
it handled and makes no second version. A crash after storing the file and before the
commit leaves an object nobody was told about; the retry takes the same version and key and
writes it again (the same bytes: rendering is deterministic), so a file that was announced
is never replaced.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Row, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.documents import (
    DocumentFailed,
    DocumentFailure,
    DocumentGenerated,
    DocumentRequested,
)
from snab_contracts.rpc.documents import DocumentList, DocumentsGet, DocumentsList, DocumentView
from snab_documents import metrics
from snab_documents.db.tables import documents, failures
from snab_documents.domain import naming
from snab_documents.domain.requisites import Requisite, missing_reason, missing_requisites
from snab_documents.render.pdf import RenderFailure
from snab_documents.render.pool import Rendered, RenderTimeout
from snab_kit.consume import Tx
from snab_kit.errors import NotFoundError, RuleViolation
from snab_kit.logging import get_logger
from snab_kit.storage import ObjectStorage

log = get_logger(__name__)

PDF = "application/pdf"
# A file travels inside an rpc reply only up to this size (NATS' default limit is 1 MB and
# base64 adds a third); larger ones are fetched from storage or by their link.
MAX_INLINE_BYTES = 700_000


class Renderer(Protocol):
    async def render(self, payload: bytes) -> Rendered: ...


@dataclass(frozen=True)
class MakeOptions:
    required: Sequence[Requisite]
    timeout_seconds: float


async def make_document(
    *,
    tx: Tx,
    event: DocumentRequested,
    renderer: Renderer,
    storage: ObjectStorage,
    options: MakeOptions,
) -> None:
    session = tx.session
    done = (
        await session.execute(select(documents).where(documents.c.request_event_id == event.id))
    ).first()
    if done is not None:
        # Handled before (a replay from the dead letters, say): announce the same file again.
        log.info("document_request_seen", request_event_id=str(event.id), version=done.version)
        await tx.emit(_generated(event, done))
        return
    proposal = event.proposal
    missing = missing_requisites(proposal.company, options.required)
    if missing:
        await _fail(tx, event, "requisites", missing_reason(missing))
        return

    # Versions are numbered per proposal number, one at a time (replicas and workers
    # alike): the number and version make the key, so a key is never taken twice.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"documents:{proposal.number}"},
    )
    latest = await session.scalar(
        select(func.max(documents.c.version)).where(documents.c.number == proposal.number)
    )
    version = naming.next_version([latest] if latest else [])
    try:
        rendered = await renderer.render(proposal.model_dump_json().encode())
    except RenderFailure as exc:
        await _fail(tx, event, exc.failure, exc.reason)
        return
    except RenderTimeout:
        await _fail(
            tx,
            event,
            "timeout",
            f"Документ формировался дольше {options.timeout_seconds:g} с и был остановлен. "
            "Соберите КП заново; если ошибка повторится, сообщите администратору.",
        )
        return
    metrics.RENDER_SECONDS.labels(event.document_kind).observe(rendered.seconds)

    key = naming.storage_key(event.document_kind, proposal.date.year, proposal.number, version)
    stored_key = await storage.put(key, rendered.pdf, PDF)
    row = (
        await session.execute(
            insert(documents)
            .values(
                id=uuid.uuid4(),
                kind=event.document_kind,
                order_id=event.order_id,
                proposal_id=event.proposal_id,
                number=proposal.number,
                version=version,
                request_event_id=event.id,
                storage_key=stored_key,
                filename=naming.filename(proposal.number, version),
                content_type=PDF,
                size=len(rendered.pdf),
                sha256=hashlib.sha256(rendered.pdf).hexdigest(),
                render_ms=round(rendered.seconds * 1000),
            )
            .returning(documents)
        )
    ).one()
    await tx.emit(_generated(event, row))
    metrics.DOCUMENTS.labels(event.document_kind, "generated").inc()
    log.info(
        "document_generated",
        number=proposal.number,
        version=version,
        lines=len(proposal.lines),
        size=row.size,
        render_ms=row.render_ms,
    )


def _generated(event: DocumentRequested, row: Row[Any]) -> DocumentGenerated:
    return DocumentGenerated(
        request_event_id=event.id,
        order_id=event.order_id,
        proposal_id=event.proposal_id,
        document_id=row.id,
        kind=row.kind,
        document_version=row.version,
        storage_key=row.storage_key,
        filename=row.filename,
        content_type=row.content_type,
        sha256=row.sha256,
        size=row.size,
        correlation_id=event.correlation_id,
    )


async def _fail(tx: Tx, event: DocumentRequested, failure: DocumentFailure, reason: str) -> None:
    await tx.session.execute(
        insert(failures).values(
            request_event_id=event.id,
            kind=event.document_kind,
            order_id=event.order_id,
            proposal_id=event.proposal_id,
            failure=failure,
            reason=reason,
        )
    )
    await tx.emit(
        DocumentFailed(
            request_event_id=event.id,
            order_id=event.order_id,
            proposal_id=event.proposal_id,
            kind=event.document_kind,
            failure=failure,
            reason=reason,
            correlation_id=event.correlation_id,
        )
    )
    metrics.DOCUMENTS.labels(event.document_kind, failure).inc()
    log.warning(
        "document_failed",
        number=event.proposal.number,
        request_event_id=str(event.id),
        failure=failure,
        reason=reason,
    )


# -- reading ------------------------------------------------------------------------------


async def _view(
    row: Row[Any], storage: ObjectStorage, *, url_ttl: int, content: bytes | None = None
) -> DocumentView:
    return DocumentView(
        document_id=row.id,
        order_id=row.order_id,
        proposal_id=row.proposal_id,
        kind=row.kind,
        document_version=row.version,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        storage_key=row.storage_key,
        created_at=row.created_at,
        url=await storage.url(row.storage_key, expires_seconds=url_ttl),
        content_base64=base64.b64encode(content).decode() if content is not None else None,
    )


async def get_document(
    *, session: AsyncSession, storage: ObjectStorage, req: DocumentsGet, url_ttl: int
) -> DocumentView:
    row = (
        await session.execute(select(documents).where(documents.c.id == req.document_id))
    ).first()
    if row is None:
        raise NotFoundError("документ не найден", document_id=str(req.document_id))
    content = None
    if req.include_content:
        if row.size > MAX_INLINE_BYTES:
            raise RuleViolation(
                f"файл {row.filename} слишком велик для ответа ({row.size // 1024} КБ): "
                "возьмите его по ссылке или из хранилища",
                document_id=str(row.id),
                size=row.size,
            )
        content = await storage.get(row.storage_key)
        if hashlib.sha256(content).hexdigest() != row.sha256:
            raise RuleViolation(
                f"файл {row.filename} в хранилище не совпадает с записанным",
                document_id=str(row.id),
            )
    return await _view(row, storage, url_ttl=url_ttl, content=content)


async def list_documents(
    *, session: AsyncSession, storage: ObjectStorage, req: DocumentsList, url_ttl: int
) -> DocumentList:
    query = select(documents).where(documents.c.order_id == req.order_id)
    if req.proposal_id is not None:
        query = query.where(documents.c.proposal_id == req.proposal_id)
    rows = (
        await session.execute(
            query.order_by(documents.c.created_at.desc(), documents.c.version.desc())
        )
    ).all()
    return DocumentList(items=[await _view(r, storage, url_ttl=url_ttl) for r in rows])

"""Builds the documents service: render pool, storage, handlers, ASGI app (health, metrics)."""

from __future__ import annotations

from dataclasses import dataclass

from snab_documents import metrics
from snab_documents.db.tables import messaging, metadata
from snab_documents.handlers import events, rpc
from snab_documents.render.pool import PoolOptions, RenderPool
from snab_documents.services.documents import MakeOptions
from snab_documents.settings import DocumentsSettings
from snab_kit.logging import get_logger
from snab_kit.service import Service
from snab_kit.storage import LocalStorage, ObjectStorage, make_storage

log = get_logger(__name__)


@dataclass
class Documents:
    """The service and its parts (tests and benchmarks reach the parts directly)."""

    service: Service
    settings: DocumentsSettings
    storage: ObjectStorage
    pool: RenderPool


def assemble(
    settings: DocumentsSettings | None = None, *, storage: ObjectStorage | None = None
) -> Documents:
    settings = settings or DocumentsSettings()
    service = Service(name="documents", settings=settings, metadata=metadata, tables=messaging)
    storage = storage or make_storage(settings)
    pool = RenderPool(
        settings.template,
        PoolOptions(
            size=settings.documents_render_workers,
            timeout_seconds=settings.documents_render_timeout_seconds,
            start_method=settings.documents_render_start_method,
        ),
    )
    # The first worker starts (and renders a warm-up document) before the consumers run, so
    # /health says "starting" until the first request can be rendered at full speed; the
    # other workers start after it while the service works.
    service.on_startup(pool.start)
    service.on_shutdown(pool.close)

    events.register(
        service,
        renderer=pool,
        storage=storage,
        options=MakeOptions(
            required=settings.documents_required_requisites,
            timeout_seconds=settings.documents_render_timeout_seconds,
        ),
        workers=settings.documents_render_workers,
    )
    rpc.register(service, storage=storage, url_ttl=settings.documents_url_ttl_seconds)

    @service.on_startup
    async def say_where_documents_go() -> None:
        if isinstance(storage, LocalStorage):
            log.warning(
                "s3_disabled",
                reason="S3_ENDPOINT_URL is not set",
                storage=str(storage.root),
                effect="documents are kept in this local folder",
            )

    @service.check("renderer")
    async def renderer_health() -> str | None:
        metrics.RENDER_WORKERS.set(pool.alive)
        return pool.problem()

    @service.check("storage")
    async def storage_health() -> str | None:
        return await storage.check()

    return Documents(service=service, settings=settings, storage=storage, pool=pool)


def build(settings: DocumentsSettings | None = None) -> Service:
    return assemble(settings).service

"""Builds the gateway: a FastAPI app (REST under /api/v1, web admin under /admin)
on top of the shared service runtime, which gives it NATS, its schema, /health and /metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from snab_gateway.db.tables import messaging, metadata
from snab_gateway.settings import GatewaySettings
from snab_kit import metrics
from snab_kit.logging import configure_logging
from snab_kit.service import Service


def build(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    service = Service(name="gateway", settings=settings, metadata=metadata, tables=messaging)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with service.running():
            yield

    app = FastAPI(title="snab", version="0.1.0", lifespan=lifespan, docs_url="/api/docs")
    app.state.service = service
    app.state.settings = settings

    @app.get("/health", include_in_schema=False)
    async def health() -> JSONResponse:
        ok, checks = await service.health()
        body = {"status": "ok" if ok else "fail", "service": "gateway", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def run(settings: GatewaySettings) -> None:
    configure_logging(service="gateway", level=settings.log_level, fmt=settings.log_format)
    uvicorn.run(
        build(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        access_log=False,
    )

"""Object storage on both paths, and the documents service keeping its PDFs in a real
S3-compatible server (moto in server mode, spoken to by boto3 over HTTP)."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import nats
import pytest
from sqlalchemy import text

from snab_contracts.documents import DocumentGenerated, DocumentRequested
from snab_contracts.rpc.documents import DocumentsGet, DocumentsList
from snab_documents.main import assemble
from snab_documents.settings import DocumentsSettings
from snab_kit.bus import BusNames
from snab_kit.db import make_engine
from snab_kit.rpc import RpcClient
from snab_kit.storage import LocalStorage, ObjectStorage, S3Storage
from snab_kit.testing import wait_for
from tests.peers import S3Peer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "documents" / "tests"))
from documents_testkit import pages, proposal


@pytest.fixture
def s3() -> Iterator[S3Peer]:
    with S3Peer(bucket="snab-docs") as peer:
        yield peer


def s3_storage(peer: S3Peer) -> S3Storage:
    env = peer.env()
    return S3Storage(
        endpoint_url=env["S3_ENDPOINT_URL"],
        bucket=env["S3_BUCKET"],
        access_key=env["S3_ACCESS_KEY"],
        secret_key=env["S3_SECRET_KEY"],
        region=env["S3_REGION"],
    )


@pytest.mark.parametrize("backend", ["local", "s3"])
async def test_storage_put_get_keys_and_links(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    storage: ObjectStorage
    if backend == "s3":
        peer: S3Peer = request.getfixturevalue("s3")
        storage = s3_storage(peer)
    else:
        storage = LocalStorage(tmp_path / "storage")
    assert await storage.check() is None
    data = b"%PDF-1.7 test"
    key = await storage.put("documents/proposal/2026/KP-1/KP-1-v1.pdf", data, "application/pdf")
    await storage.put("documents/proposal/2026/KP-1/KP-1-v2.pdf", b"v2", "application/pdf")
    await storage.put("mail/raw/x.eml", b"x")
    assert await storage.get(key) == data and await storage.exists(key)
    assert not await storage.exists("documents/nothing.pdf")
    assert await storage.keys("documents/proposal/2026/KP-1") == [
        "documents/proposal/2026/KP-1/KP-1-v1.pdf",
        "documents/proposal/2026/KP-1/KP-1-v2.pdf",
    ]
    assert len(await storage.keys("")) == 3
    assert await storage.keys("nowhere") == []
    link = await storage.url(key, expires_seconds=60)
    if backend == "local":
        assert link is None
    else:
        assert link is not None and "X-Amz-Expires=60" in link and "X-Amz-Signature=" in link
        with urllib.request.urlopen(link, timeout=10) as resp:  # the link works without keys
            assert resp.read() == data


async def test_documents_service_keeps_pdfs_in_s3(
    s3: S3Peer, nats_url: str, database_url: str, bus: BusNames, migrate_schema: Any
) -> None:
    migrate_schema("snab_documents.migrations")
    settings = DocumentsSettings(
        nats_url=nats_url,
        database_url=database_url,
        bus_namespace=bus.namespace,
        outbox_poll_seconds=0.05,
        documents_render_workers=1,
        **{k.lower(): v for k, v in s3.env().items()},
    )
    documents = assemble(settings)
    assert isinstance(documents.storage, S3Storage)
    await documents.service.start()
    nc = await nats.connect(nats_url)
    engine = make_engine(database_url)
    try:
        ok, checks = await documents.service.health()
        assert ok and checks["storage"] == "ok", checks
        number = f"KP-2026-{uuid4().int % 10**6:06d}-1"  # the database is shared by the run
        event = DocumentRequested(
            order_id=uuid4(), proposal_id=uuid4(), proposal=proposal(10, number=number)
        )
        await nc.jetstream().publish(
            bus.subject(event.subject),
            event.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(event.id)},
        )

        async def answered() -> DocumentGenerated | None:
            async with engine.connect() as conn:
                payload = await conn.scalar(
                    text(
                        "SELECT payload FROM documents.outbox WHERE subject = 'document.generated'"
                        " AND convert_from(payload, 'UTF8') LIKE :id"
                    ),
                    {"id": f"%{event.id}%"},
                )
            if payload is None:
                return None
            return DocumentGenerated.model_validate(json.loads(bytes(payload)))

        generated = await wait_for(answered, timeout=60, interval=0.1)
        assert generated.storage_key in s3.keys("documents/")
        stored = s3.get(generated.storage_key)
        assert hashlib.sha256(stored).hexdigest() == generated.sha256
        assert "Итого с НДС" in pages(stored)[0]

        rpc = RpcClient(nc, bus, timeout=15)
        view = await rpc.call(DocumentsGet(document_id=generated.document_id))
        assert view.url is not None and view.content_base64 is None
        with urllib.request.urlopen(view.url, timeout=10) as resp:
            assert resp.read() == stored
        full = await rpc.call(DocumentsGet(document_id=generated.document_id, include_content=True))
        assert full.content_base64 is not None and base64.b64decode(full.content_base64) == stored
        listed = await rpc.call(DocumentsList(order_id=event.order_id))
        assert [d.filename for d in listed.items] == [f"{number}-v1.pdf"]
        assert listed.items[0].url is not None
    finally:
        await engine.dispose()
        await nc.drain()
        await documents.service.stop()

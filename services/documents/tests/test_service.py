"""The documents service on a real bus, database and local storage: a request becomes a
stored, versioned PDF and document.generated, or document.failed with a reason."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import nats
import pytest_asyncio
from documents_testkit import COMPANY, pages, proposal
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts import event_class
from snab_contracts.documents import DocumentFailed, DocumentGenerated, DocumentRequested
from snab_contracts.rpc.documents import DocumentsGet, DocumentsList
from snab_documents.main import Documents, assemble
from snab_documents.render.pdf import BUILTIN_DIR
from snab_documents.settings import DocumentsSettings
from snab_kit.bus import BusNames
from snab_kit.rpc import NotFound, RpcClient
from snab_kit.testing import wait_for


@dataclass
class App:
    documents: Documents
    engine: AsyncEngine
    bus: BusNames
    nc: Any

    @property
    def rpc(self) -> RpcClient:
        return RpcClient(self.nc, self.bus, timeout=15.0)

    async def publish(self, event: DocumentRequested, *, msg_id: str | None = None) -> None:
        await self.nc.jetstream().publish(
            self.bus.subject(event.subject),
            event.model_dump_json().encode(),
            headers={"Nats-Msg-Id": msg_id or str(event.id)},
        )

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as conn:
            return await conn.scalar(text(sql), params)

    async def emitted(self, subject: str) -> list[Any]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT payload FROM documents.outbox WHERE subject = :s ORDER BY seq"),
                    {"s": subject},
                )
            ).all()
        cls = event_class(subject)
        return [cls.model_validate(json.loads(bytes(r.payload))) for r in rows]

    async def answers(self, count: int = 1, timeout: float = 60.0) -> list[Any]:
        """document.generated and document.failed written so far, once there are ``count``."""

        async def enough() -> list[Any] | None:
            found = await self.emitted("document.generated") + await self.emitted("document.failed")
            return found if len(found) >= count else None

        return list(await wait_for(enough, timeout=timeout, interval=0.1))


async def start(settings: DocumentsSettings, engine: AsyncEngine, bus: BusNames) -> App:
    documents = assemble(settings)
    await documents.service.start()
    return App(documents, engine, bus, await nats.connect(settings.nats_url))


@pytest_asyncio.fixture(loop_scope="session")
async def app(
    db: AsyncEngine, make_settings: Callable[..., DocumentsSettings], bus: BusNames
) -> AsyncIterator[App]:
    started = await start(make_settings(), db, bus)
    try:
        yield started
    finally:
        await started.nc.drain()
        await started.documents.service.stop()


def request(lines: int = 10, **kwargs: Any) -> DocumentRequested:
    return DocumentRequested(
        order_id=uuid4(), proposal_id=uuid4(), proposal=proposal(lines, **kwargs)
    )


async def test_request_becomes_a_stored_versioned_pdf(app: App) -> None:
    event = request(10)
    await app.publish(event)
    [answer] = await app.answers()
    assert isinstance(answer, DocumentGenerated)
    assert answer.request_event_id == event.id and answer.proposal_id == event.proposal_id
    assert answer.document_version == 1
    assert answer.filename == "KP-2026-0042-1-v1.pdf"
    assert answer.storage_key == "documents/proposal/2026/KP-2026-0042-1/KP-2026-0042-1-v1.pdf"
    pdf = await app.documents.storage.get(answer.storage_key)
    assert hashlib.sha256(pdf).hexdigest() == answer.sha256 and len(pdf) == answer.size
    assert "KP-2026-0042-1" in pages(pdf)[0]

    view = await app.rpc.call(DocumentsGet(document_id=answer.document_id, include_content=True))
    assert view.content_base64 is not None and base64.b64decode(view.content_base64) == pdf
    assert view.url is None, "local storage has no links"
    listed = await app.rpc.call(DocumentsList(order_id=event.order_id))
    assert [d.document_id for d in listed.items] == [answer.document_id]
    assert (await app.rpc.call(DocumentsList(order_id=uuid4()))).items == []
    try:
        await app.rpc.call(DocumentsGet(document_id=uuid4()))
        raise AssertionError("an unknown document is not found")
    except NotFound as exc:
        assert "не найден" in exc.message


async def test_redelivery_makes_no_second_version_a_new_request_does(app: App) -> None:
    event = request(3)
    await app.publish(event)
    # The same event again, past JetStream's dedupe (a replay from the dead letters, say).
    await app.publish(event, msg_id=f"again-{event.id}")
    [first] = await app.answers()
    v1 = await app.documents.storage.get(first.storage_key)
    again = DocumentRequested(
        order_id=event.order_id, proposal_id=event.proposal_id, proposal=event.proposal
    )
    await app.publish(again)
    answers = await app.answers(2)
    assert [a.document_version for a in answers] == [1, 2]
    assert answers[1].storage_key.endswith("KP-2026-0042-1-v2.pdf")
    assert await app.scalar("SELECT count(*) FROM documents.documents") == 2
    assert await app.documents.storage.get(first.storage_key) == v1, "v1 is never replaced"
    listed = await app.rpc.call(
        DocumentsList(order_id=event.order_id, proposal_id=event.proposal_id)
    )
    assert [d.document_version for d in listed.items] == [2, 1]


async def test_missing_requisites_fail_with_a_reason(app: App) -> None:
    bare = COMPANY.model_copy(update={"ogrn": None, "bank": None})
    event = request(2, company=bare)
    await app.publish(event)
    [answer] = await app.answers()
    assert isinstance(answer, DocumentFailed)
    assert answer.failure == "requisites" and answer.request_event_id == event.id
    assert "ОГРН" in answer.reason and "банковские реквизиты" in answer.reason
    assert await app.scalar("SELECT count(*) FROM documents.documents") == 0
    assert await app.scalar("SELECT failure FROM documents.failures") == "requisites"


async def test_a_broken_template_fails_the_document_not_the_service(
    db: AsyncEngine, make_settings: Callable[..., DocumentsSettings], bus: BusNames, tmp_path: Path
) -> None:
    folder = tmp_path / "template"
    shutil.copytree(BUILTIN_DIR, folder)
    (folder / "proposal.html").write_text("{{ page.title }")
    app = await start(make_settings(documents_template_dir=folder), db, bus)
    try:
        ok, checks = await app.documents.service.health()
        assert ok, checks
        await app.publish(request(1))
        [answer] = await app.answers()
        assert isinstance(answer, DocumentFailed) and answer.failure == "template"
        assert "Ошибка в шаблоне КП" in answer.reason
    finally:
        await app.nc.drain()
        await app.documents.service.stop()


async def test_the_same_number_from_another_proposal_never_takes_a_stored_key(app: App) -> None:
    first = request(2)
    await app.publish(first)
    [one] = await app.answers()
    stored = await app.documents.storage.get(one.storage_key)
    other = request(5)  # another proposal id, the same number (a restored database, say)
    await app.publish(other)
    answers = await app.answers(2)
    assert [a.document_version for a in answers] == [1, 2]
    assert answers[1].proposal_id == other.proposal_id
    assert answers[0].storage_key != answers[1].storage_key
    assert await app.documents.storage.get(one.storage_key) == stored

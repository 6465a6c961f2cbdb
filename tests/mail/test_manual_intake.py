"""Mail put in by hand: rpc.mail.ingest / rpc.mail.get and ``snab ingest FILE.eml``."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import nats
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.mail import MailAddress
from snab_contracts.rpc.mail import MailAttachmentGet, MailGet, MailIngest
from snab_kit.bus import BusNames
from snab_kit.rpc import NotFound, RpcClient, ValidationFailed
from snab_mail.main import assemble
from snab_mail.services import views
from snab_mail.settings import MailgatewaySettings
from tests.mail.support import Published, letter, running


async def test_rpc_ingest_and_get(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    nats_url: str,
    bus: BusNames,
) -> None:
    raw, message_id = letter("Заявка через админку", "Нужны саморезы 4,2х16 — 5000 шт.")
    nc = await nats.connect(nats_url)
    client = RpcClient(nc, bus)
    try:
        async with running(assemble(make_settings())):
            stored = await client.call(MailIngest(raw_base64=base64.b64encode(raw).decode()))
            again = await client.call(MailIngest(raw_base64=base64.b64encode(raw).decode()))
            pasted = await client.call(
                MailIngest(
                    text="Добрый день! Прошу счёт на 20 мешков цемента М500.",
                    from_=MailAddress(email="ivanov@romashka.example", name="Иван Иванов"),
                    mail_subject="Цемент",
                ),
            )
            view = await client.call(MailGet(mail_id=stored.mail_id, include_raw=True))
            with pytest.raises(NotFound):
                await client.call(MailGet(mail_id=uuid.uuid4()))
            with pytest.raises(ValidationFailed):
                await client.call(MailIngest(raw_base64="не base64!"))
            events = await published.wait("mail.received", 2)
    finally:
        await nc.drain()

    assert stored.message_id == message_id and not stored.duplicate
    assert again.duplicate and again.mail_id == stored.mail_id
    assert not pasted.duplicate
    assert view.mail_subject == "Заявка через админку"
    assert "саморезы 4,2х16" in view.text
    assert view.raw_base64 is not None and base64.b64decode(view.raw_base64) == raw
    assert [e["source"] for e in events] == ["upload", "upload"]
    assert events[1]["from"] == {"email": "ivanov@romashka.example", "name": "Иван Иванов"}
    assert "20 мешков цемента" in events[1]["text"]


async def test_snab_ingest_pushes_a_file_into_intake(
    mail_db: AsyncEngine,
    published: Published,
    nats_url: str,
    database_url: str,
    bus: BusNames,
    tmp_path: Path,
) -> None:
    raw, message_id = letter("Заявка из файла", "Арматура А500С ф12 — 2 т.")
    eml = tmp_path / "request.eml"
    eml.write_bytes(raw)
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "BUS_NAMESPACE": bus.namespace,
        "STORAGE_DIR": str(tmp_path / "storage"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("IMAP_SERVER", None)
    snab = Path(sys.executable).with_name("snab")
    command = [str(snab)] if snab.exists() else [sys.executable, "-m", "snab_mail.cli"]
    result = await asyncio.to_thread(
        subprocess.run,
        [*command, "ingest", str(eml), str(eml)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    lines = [
        json.loads(line) for line in result.stdout.decode().splitlines() if line.startswith("{")
    ]
    assert [line["duplicate"] for line in lines] == [False, True]
    assert lines[0]["message_id"] == message_id
    [event] = await published.wait("mail.received", 1)
    assert event["mail_id"] == lines[0]["mail_id"]
    assert "Арматура А500С" in event["text"]


async def test_an_attachment_too_large_for_a_reply_says_where_to_get_it(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    nats_url: str,
    bus: BusNames,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "MAX_RAW_BYTES", 1000)
    message = EmailMessage()
    message["From"] = "sales@metiz.example"
    message["Subject"] = "Прайс"
    message.set_content("Прайс во вложении.")
    message.add_attachment(b"x" * 999, maintype="text", subtype="csv", filename="small.csv")
    message.add_attachment(b"y" * 1001, maintype="text", subtype="csv", filename="big.csv")
    nc = await nats.connect(nats_url)
    client = RpcClient(nc, bus)
    try:
        async with running(assemble(make_settings())):
            raw = base64.b64encode(message.as_bytes()).decode()
            stored = await client.call(MailIngest(raw_base64=raw))
            small = await client.call(MailAttachmentGet(mail_id=stored.mail_id, position=0))
            with pytest.raises(ValidationFailed, match="download the whole message"):
                await client.call(MailAttachmentGet(mail_id=stored.mail_id, position=1))
    finally:
        await nc.drain()
    assert small.filename == "small.csv" and small.size == 999
    assert base64.b64decode(small.content_base64) == b"x" * 999

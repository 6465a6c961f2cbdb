"""Intake without IMAP: what mail.received carries, dedupe, the corpus, hostile input."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_mail.main import MailGateway
from snab_mail.services.intake import IngestResult, Origin, raw_key
from snab_mail.settings import MailgatewaySettings
from tests.mail.support import letter, scalar

UPLOAD = Origin(source="upload", account="zakupki@broker.example", folder="upload")
MOJIBAKE = re.compile(r"[ÐÑÃ\ufffd]|Ð|Ñ")


async def outbox_events(engine: AsyncEngine) -> list[dict[str, Any]]:
    from sqlalchemy import text

    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM mail.outbox WHERE subject = 'mail.received' ORDER BY seq")
        )
        return [json.loads(bytes(row.payload)) for row in rows]


def _quote_reply() -> bytes:
    message = EmailMessage()
    message["From"] = "=?utf-8?b?0JjRgNC40L3QsCDQmtC+0LfQu9C+0LLQsA==?= <sales@metiz.example>"
    message["To"] = "zakupki@broker.example"
    message["Cc"] = "Бухгалтерия <buh@metiz.example>"
    message["Subject"] = "Re: Запрос цен [RFQ-2026-0042-3]"
    message["Date"] = "Wed, 02 Dec 2026 11:00:00 +0300"
    message["Message-ID"] = "<reply-42@metiz.example>"
    message["In-Reply-To"] = "<rfq.42.abcdef123456@broker.example>"
    message["References"] = "<rfq.42.abcdef123456@broker.example>"
    message.set_content("Добрый день! Болт М8х30 — 12,50 руб./шт, в наличии. Счёт во вложении.")
    message.add_attachment(
        "Наименование;Цена\nБолт М8х30;12,50\n".encode("cp1251"),
        maintype="text",
        subtype="csv",
        filename="Счёт 15.csv",
    )
    return message.as_bytes()


async def test_a_reply_is_stored_and_announced_with_its_thread(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    gateway = gateway_for(make_settings())
    raw = _quote_reply()
    result = await gateway.intake.ingest(raw, UPLOAD)
    assert not result.duplicate and not result.unparseable

    [event] = await outbox_events(mail_db)
    assert event["mail_id"] == str(result.mail_id)
    assert event["source"] == "upload"
    assert event["message_id"] == "<reply-42@metiz.example>"
    assert event["in_reply_to"] == "<rfq.42.abcdef123456@broker.example>"
    assert event["references"] == ["<rfq.42.abcdef123456@broker.example>"]
    assert event["from"] == {"email": "sales@metiz.example", "name": "Ирина Козлова"}
    assert event["to"] == [{"email": "zakupki@broker.example", "name": ""}]
    assert event["cc"] == [{"email": "buh@metiz.example", "name": "Бухгалтерия"}]
    assert event["mail_subject"] == "Re: Запрос цен [RFQ-2026-0042-3]"
    assert event["date"].startswith("2026-12-02T08:00:00")
    assert "12,50 руб./шт" in event["text"]
    assert event["thread"] == {
        "request_id": 42,
        "rfq_number": "RFQ-2026-0042-3",
        "matched_by": "message_id",
    }
    assert event["flags"]["auto_reply"] is False and event["flags"]["bounce"] is False
    [attachment] = event["attachments"]
    assert attachment["filename"] == "Счёт 15.csv"
    assert attachment["content_type"] == "text/csv"
    stored = await gateway.storage.get(attachment["storage_key"])
    assert stored.decode("cp1251").startswith("Наименование;Цена")
    assert attachment["size"] == len(stored)
    assert await gateway.storage.get(event["raw_key"]) == raw
    assert event["raw_key"] == raw_key(event["raw_sha256"])
    assert event["size"] == len(raw)

    view = await gateway.reader.view(result.mail_id, include_raw=True)
    assert view is not None and "12,50 руб./шт" in view.text
    assert view.raw_base64 is not None and base64.b64decode(view.raw_base64) == raw
    assert view.thread.request_id == 42 and len(view.attachments) == 1


async def test_the_same_message_twice_is_one_message(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    gateway = gateway_for(make_settings())
    raw, message_id = letter()
    first = await gateway.intake.ingest(raw, UPLOAD)
    again = await gateway.intake.ingest(raw, UPLOAD)
    assert again.duplicate and again.mail_id == first.mail_id
    assert again.message_id == message_id
    assert len(await outbox_events(mail_db)) == 1
    assert await scalar(mail_db, "SELECT count(*) FROM mail.inbound_messages") == 1


async def test_every_corpus_message_goes_through_intake(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    corpus_dir: Path,
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    gateway = gateway_for(make_settings())
    results: dict[str, IngestResult] = {}
    for path in sorted(corpus_dir.glob("*.eml")):
        results[path.stem] = await gateway.intake.ingest(path.read_bytes(), UPLOAD)
    assert len(results) >= 30
    events = {event["mail_id"]: event for event in await outbox_events(mail_db)}
    assert len(events) == len(results)

    for stem, result in results.items():
        label = json.loads((corpus_dir / f"{stem}.json").read_text(encoding="utf-8"))
        event = events[str(result.mail_id)]
        assert not event["flags"]["unparseable"], stem
        text = event["text"]
        assert not MOJIBAKE.search(text), f"{stem}: mojibake in {text[:200]!r}"
        names = [item["name"] for item in (label.get("request") or {}).get("items", [])]
        names += [line["name"] for line in (label.get("quote") or {}).get("lines", [])]
        # the items read in the text (their first word's stem, case-blind) show the
        # charset was right; items kept only in an attachment are not in the body
        if names and not event["attachments"]:
            stems = [re.split(r"[\s,(]", name)[0].lower()[:4] for name in names]
            found = [s for s in stems if s in text.lower()]
            assert len(found) >= 0.7 * len(stems), f"{stem}: {stems} vs {text[:300]!r}"
        reason = label.get("other_reason")
        assert event["flags"]["auto_reply"] == (reason == "auto_reply"), stem
        assert event["flags"]["bounce"] == (reason == "bounce"), stem

    charsets = {
        path.stem
        for path in corpus_dir.glob("*.eml")
        if re.search(rb"charset=\"?(windows-1251|koi8-r)", path.read_bytes(), re.I)
    }
    assert any(b"koi8-r" in (corpus_dir / f"{s}.eml").read_bytes().lower() for s in charsets), (
        "the corpus should hold a koi8-r letter"
    )
    bounce = next(e for e in events.values() if e["flags"]["bounce"])
    assert bounce["flags"]["bounced_message_id"] == "<rfq.57.w6e2k8@broker.example>"
    assert bounce["thread"]["request_id"] == 57


# -- hostile input ------------------------------------------------------------------------


def _huge() -> bytes:
    head = b"From: a@x.example\r\nTo: zakupki@broker.example\r\nSubject: big\r\n"
    body = base64.encodebytes(b"\0" * (22 * 1024 * 1024))  # ~30 MB once encoded
    return (
        head
        + b"Message-ID: <huge@x.example>\r\nMIME-Version: 1.0\r\n"
        + b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + body
    )


def _many_parts(count: int = 10_000) -> bytes:
    parts = b"".join(
        b"--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(count)
    )
    return (
        b"From: a@x.example\r\nSubject: parts\r\nMessage-ID: <parts@x.example>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + parts
        + b"--b--\r\n"
    )


def _long_header() -> bytes:
    folded = b"\r\n ".join([b"x" * 70] * (1024 * 1024 // 72))
    return (
        b"From: a@x.example\r\nSubject: long header\r\nMessage-ID: <long@x.example>\r\n"
        b"X-Junk: " + folded + b"\r\n\r\nbody\r\n"
    )


def _quadratic() -> bytes:
    # The standard library parses Content-Type parameters in time quadratic in their number.
    params = b"".join(b';\r\n p%d="%s"' % (i, b"v" * 8) for i in range(20_000))
    return (
        b"From: a@x.example\r\nSubject: params\r\nMessage-ID: <quad@x.example>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain" + params + b"\r\n\r\nbody\r\n"
    )


def _nested_comments() -> bytes:
    # Address parsers that backtrack over comments go quadratic (or worse) on this.
    return (
        b"From: a@x.example\r\nTo: " + b"(" * 30_000 + b"zakupki@broker.example\r\n"
        b"Subject: comments\r\nMessage-ID: <comments@x.example>\r\n\r\nbody\r\n"
    )


def _nul_bytes() -> bytes:
    # PostgreSQL refuses NUL in text and jsonb: a row that cannot be written would stall
    # the mailbox on this message.
    return (
        b'From: "\xc8\xe2\xe0\xed\x00" <ivan\x00@x.example>\r\nTo: zakupki@broker.example\r\n'
        b"Subject: =?utf-8?q?=D0=97=D0=B0=00=D1=8F=D0=B2=D0=BA=D0=B0?= \x00 \xed\xa0\x80\r\n"
        b"Message-ID: <nul\x00@x.example>\r\nIn-Reply-To: <\xff\xfe@x.example>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n\xd0\x97\xd0\xb0 \x00 \xed\xa0\x80\r\n"
    )


def _bad_charsets() -> bytes:
    body = "Прошу счёт на 10 мешков цемента М500".encode("cp1251")
    return (
        b"From: =?x-no-such-charset?q?=E8=E2=E0=ED?= <a@x.example>\r\n"
        b"Subject: =?utf-8\x00evil?b?0J/RgNC+0LHQsA==?=\r\nMessage-ID: <charset@x.example>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: text/plain; charset="../../etc/passwd"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body + b"\r\n"
    )


def _broken_base64() -> bytes:
    good = base64.b64encode("Заявка: кабель ВВГнг 3х2,5 — 300 м".encode())
    return (
        b"From: a@x.example\r\nSubject: b64\r\nMessage-ID: <b64@x.example>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + good[:-3] + b"!!*\r\n=\r\nQQ\r\n"
    )


HOSTILE: dict[str, Callable[[], bytes]] = {
    "30 MB message": _huge,
    "10,000 parts": _many_parts,
    "1 MB header": _long_header,
    "quadratic Content-Type": _quadratic,
    "nested comments in To": _nested_comments,
    "invalid charset names": _bad_charsets,
    "NUL bytes and lone surrogates": _nul_bytes,
    "broken base64": _broken_base64,
}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_hostile_input_is_stored_flagged_and_does_not_block(
    name: str,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    gateway = gateway_for(make_settings())
    raw = HOSTILE[name]()
    started = time.process_time()
    result = await gateway.intake.ingest(raw, UPLOAD)
    cpu = time.process_time() - started
    parse = result.parse_cpu_seconds
    print(f"{name}: {len(raw)} bytes, {cpu:.3f}s CPU for intake, parse {parse:.3f}s")
    assert cpu < 2.0, f"{name} took {cpu:.2f}s of CPU"

    [event] = await outbox_events(mail_db)
    assert await gateway.storage.get(event["raw_key"]) == raw
    flags = event["flags"]
    assert flags["unparseable"] or flags["defects"], f"{name} was not flagged"
    if name in ("30 MB message", "10,000 parts", "1 MB header", "quadratic Content-Type"):
        assert flags["unparseable"]
        assert event["message_id"] is not None  # the cheap headers are still read
    if name == "invalid charset names":
        assert "цемента" in event["text"]
    if name == "broken base64":
        assert "кабель" in event["text"]

    good, message_id = letter()
    after = await gateway.intake.ingest(good, UPLOAD)
    assert not after.duplicate and not after.unparseable and after.message_id == message_id
    assert len(await outbox_events(mail_db)) == 2


async def test_a_batch_is_taken_in_as_one_by_one_would(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    """Known content, the same bytes twice in one batch, an attachment: one row and one
    event per distinct message, results in the order of the batch."""
    gateway = gateway_for(make_settings())
    known, known_id = letter("Уже были", "Гайка М8 — 100 шт.")
    first = await gateway.intake.ingest(known, UPLOAD)
    fresh, fresh_id = letter("Заявка", "Болт М8х30 — 200 шт.")
    reply = _quote_reply()
    results = await gateway.intake.ingest_batch(
        [(known, UPLOAD), (fresh, UPLOAD), (reply, UPLOAD), (fresh, UPLOAD)]
    )
    assert [r.duplicate for r in results] == [True, False, False, True]
    assert results[0].mail_id == first.mail_id
    assert results[3].mail_id == results[1].mail_id
    assert [r.message_id for r in results] == [
        known_id,
        fresh_id,
        "<reply-42@metiz.example>",
        fresh_id,
    ]
    events = await outbox_events(mail_db)
    assert [e["message_id"] for e in events] == [known_id, fresh_id, "<reply-42@metiz.example>"]
    assert events[2]["attachments"][0]["filename"] == "Счёт 15.csv"
    assert await scalar(mail_db, "SELECT count(*) FROM mail.inbound_messages") == 3
    assert await scalar(mail_db, "SELECT count(*) FROM mail.inbound_attachments") == 1


async def test_a_batch_reports_a_uid_recorded_before_as_that_message(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    """A mailbox UID already recorded (with other bytes, as another replica might have):
    in a batch it gets neither a second row nor an event and is reported as the message
    recorded before; the rest of the batch is recorded as usual."""
    gateway = gateway_for(make_settings())

    def at(uid: int) -> Origin:
        return Origin("imap", "zakupki@broker.example", "INBOX", uidvalidity=7, uid=uid)

    earlier, earlier_id = letter("Заявка", "Болт М8х30 — 10 шт.")
    first = await gateway.intake.ingest(earlier, at(11))
    changed, _ = letter("Заявка (уточнение)", "Болт М8х30 — 20 шт.")
    fresh, fresh_id = letter("Ещё заявка", "Гайка М8 — 30 шт.")
    results = await gateway.intake.ingest_batch([(changed, at(11)), (fresh, at(12))])
    assert [r.duplicate for r in results] == [True, False]
    assert results[0].mail_id == first.mail_id
    events = await outbox_events(mail_db)
    assert [e["message_id"] for e in events] == [earlier_id, fresh_id]
    assert await scalar(mail_db, "SELECT count(*) FROM mail.inbound_messages") == 2

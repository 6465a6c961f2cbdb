"""Sending mail.send commands through a real SMTP server (aiosmtpd): once, and only once."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from email import policy
from email.parser import BytesParser
from typing import Any

import nats
import pytest
import pytest_asyncio
from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.mail import MailAddress, MailSend, OutgoingAttachment
from snab_kit.bus import BusNames
from snab_kit.testing import wait_for
from snab_mail.domain.breaker import BreakerState
from snab_mail.main import MailGateway, assemble
from snab_mail.services.intake import Origin
from snab_mail.services.outbound import UNKNOWN_OUTCOME, ClaimLost
from snab_mail.settings import MailgatewaySettings
from snab_mail.smtp.transport import BeforeData, Delivered, Delivery, Transport
from tests.mail.support import Published, letter, running, scalar, stream_count
from tests.peers import DovecotServer, SmtpPeer

LOGIN = ("zakupki@broker.example", "Parol-Snab-1")


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


@pytest_asyncio.fixture(loop_scope="session")
async def js(nats_url: str) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(nats_url)
    try:
        yield nc.jetstream()
    finally:
        await nc.drain()


def smtp_settings(
    make: Callable[..., MailgatewaySettings], peer: SmtpPeer, **more: Any
) -> MailgatewaySettings:
    values: dict[str, Any] = {
        "smtp_server": peer.host,
        "smtp_port": peer.port,
        "smtp_security": "none",
        **more,
    }
    return make(**values)


def rfq(**changes: Any) -> MailSend:
    fields: dict[str, Any] = {
        "to": [MailAddress(email="sales@metiz.example", name="Ирина Козлова")],
        "cc": [MailAddress(email="snab@metiz.example")],
        "mail_subject": "Запрос цен: болты и гайки",
        "text": "Добрый день!\nПросим сообщить цены и сроки:\n1. Болт М8х30 — 500 шт.",
        "purpose": "rfq",
        "request_id": 42,
        "rfq_number": "RFQ-2026-0042-3",
        "order_id": uuid.uuid4(),
        "correlation_id": "ORD-2026-0042",
    }
    fields.update(changes)
    return MailSend.model_validate(fields)


async def publish(
    js: JetStreamContext, bus: BusNames, command: MailSend, msg_id: str | None = None
) -> None:
    await js.publish(
        bus.subject(command.subject),
        command.model_dump_json().encode(),
        headers={"Nats-Msg-Id": msg_id or str(command.id)},
    )


async def row(engine: AsyncEngine, command: MailSend) -> Any:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                text("SELECT * FROM mail.outbound_messages WHERE command_id = :id"),
                {"id": command.id},
            )
        ).first()


async def attempts(engine: AsyncEngine, command: MailSend) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT outcome FROM mail.send_attempts WHERE command_id = :id ORDER BY id"),
            {"id": command.id},
        )
        return [r.outcome for r in rows]


async def test_a_command_reaches_the_server_with_its_headers_and_attachment(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
) -> None:
    with SmtpPeer(credentials=LOGIN, tls="starttls", require_starttls=True) as peer:
        assert peer.cert is not None
        settings = smtp_settings(
            make_settings,
            peer,
            smtp_security="starttls",
            smtp_ca_file=peer.cert.cert_path,
            smtp_username=LOGIN[0],
            smtp_password=LOGIN[1],
        )
        async with running(assemble(settings)) as gateway:
            spec = "№;Наименование;Кол-во\n1;Болт М8х30;500\n".encode("cp1251")
            key = await gateway.storage.put("documents/spec-42.csv", spec, "text/csv")
            command = rfq(
                attachments=[
                    OutgoingAttachment(
                        storage_key=key,
                        filename="Спецификация.csv",
                        content_type="text/csv",
                        sha256=hashlib.sha256(spec).hexdigest(),
                    )
                ],
                in_reply_to="<prev@metiz.example>",
                reply_to=MailAddress(email="zakupki+rfq-42@broker.example"),
            )
            await publish(js, bus, command)
            [sent] = await published.wait("mail.sent", 1)
            [received] = await peer.wait_for_async(1)

    message = received.message
    assert received.login == LOGIN[0] and received.tls
    assert received.mail_from == "zakupki@broker.example"
    assert sorted(received.rcpt_tos) == ["sales@metiz.example", "snab@metiz.example"]
    assert message["Subject"] == "Запрос цен: болты и гайки [RFQ-2026-0042-3]"
    assert message["Message-ID"] == sent["message_id"]
    assert sent["message_id"].startswith("<rfq.42.") and sent["message_id"].endswith(
        "@broker.example>"
    )
    assert message["In-Reply-To"] == "<prev@metiz.example>"
    assert message["References"] == "<prev@metiz.example>"
    assert message["Reply-To"].addresses[0].addr_spec == "zakupki+rfq-42@broker.example"
    assert message["From"].addresses[0].display_name == "Отдел снабжения"
    assert "Болт М8х30 — 500 шт" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Спецификация.csv"
    assert attachment.get_payload(decode=True) == spec
    assert sent["command_id"] == str(command.id)
    assert sent["request_id"] == 42 and sent["order_id"] == str(command.order_id)
    assert sent["correlation_id"] == "ORD-2026-0042"
    assert sorted(sent["recipients"]) == ["sales@metiz.example", "snab@metiz.example"]
    record = await row(mail_db, command)
    assert (record.status, record.attempts, record.message_id) == ("sent", 1, sent["message_id"])


async def test_a_4xx_then_success_sends_once(
    smtp: SmtpPeer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
) -> None:
    smtp.fail_next(451, stage="data")
    command = rfq()
    async with running(assemble(smtp_settings(make_settings, smtp))):
        await publish(js, bus, command)
        [sent] = await published.wait("mail.sent", 1)
    assert len(smtp.messages) == 1 and len(smtp.rejections) == 1
    assert smtp.messages[0].message["Message-ID"] == sent["message_id"]
    assert await attempts(mail_db, command) == ["retry", "sent"]
    assert published.of("mail.failed") == []


async def test_a_5xx_gives_mail_failed_and_no_retry(
    smtp: SmtpPeer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
) -> None:
    smtp.fail_next(550, stage="rcpt", times=2)
    command = rfq()
    async with running(assemble(smtp_settings(make_settings, smtp))):
        await publish(js, bus, command)
        [failed] = await published.wait("mail.failed", 1)
    assert failed["permanent"] is True and failed["attempts"] == 1
    assert "550" in failed["error"]
    assert failed["command_id"] == str(command.id) and failed["request_id"] == 42
    assert smtp.messages == []
    assert await attempts(mail_db, command) == ["failed"]


async def test_transient_errors_give_up_after_three_attempts(
    smtp: SmtpPeer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
) -> None:
    smtp.fail_next(452, stage="mail", times=10)
    command = rfq()
    async with running(assemble(smtp_settings(make_settings, smtp))):
        await publish(js, bus, command)
        [failed] = await published.wait("mail.failed", 1)
    assert failed["permanent"] is False and failed["attempts"] == 3
    assert len(smtp.rejections) == 3 and smtp.messages == []
    assert await attempts(mail_db, command) == ["retry", "retry", "failed"]


async def test_a_redelivered_command_is_not_sent_again(
    smtp: SmtpPeer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
    nats_url: str,
) -> None:
    command = rfq()
    async with running(assemble(smtp_settings(make_settings, smtp))):
        await publish(js, bus, command)
        await published.wait("mail.sent", 1)
    # As if the ack and the inbox row had been lost: the command arrives again, anew.
    async with mail_db.begin() as conn:
        await conn.execute(text("DELETE FROM mail.inbox"))
    async with running(assemble(smtp_settings(make_settings, smtp))):
        await publish(js, bus, command, msg_id=f"again-{command.id}")
        await wait_for(lambda: scalar(mail_db, "SELECT count(*) FROM mail.inbox"), timeout=10)
    assert len(smtp.messages) == 1
    assert await stream_count(nats_url, bus, "mail.sent") == 1
    assert await stream_count(nats_url, bus, "mail.send") == 2


class Died(BaseException):
    """The process stopped here (nothing after this line ran)."""


class DiesAround:
    """A transport that dies before DATA, or right after the server accepted the message."""

    def __init__(self, inner: Transport, *, after_delivery: bool) -> None:
        self.inner = inner
        self.after_delivery = after_delivery
        self.name = inner.name
        self.idempotent = inner.idempotent

    async def deliver(self, delivery: Delivery, before_data: BeforeData) -> Delivered:
        async def maybe_die() -> None:
            if not self.after_delivery:
                raise Died
            await before_data()

        delivered = await self.inner.deliver(delivery, maybe_die)
        if self.after_delivery:
            raise Died
        return delivered

    async def check(self) -> str | None:
        return None


def _dying(gateway: MailGateway, *, after_delivery: bool) -> MailGateway:
    gateway.sender.transport = DiesAround(gateway.transport, after_delivery=after_delivery)
    return gateway


async def _events(engine: AsyncEngine, subject: str) -> list[dict[str, Any]]:
    import json

    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM mail.outbox WHERE subject = :s ORDER BY seq"), {"s": subject}
        )
        return [json.loads(bytes(r.payload)) for r in rows]


async def test_a_crash_before_data_sends_after_restart(
    smtp: SmtpPeer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    settings = smtp_settings(make_settings, smtp, smtp_claim_seconds=0.3)
    command = rfq()
    first = _dying(gateway_for(settings), after_delivery=False)
    await first.sender.queue(command)
    with pytest.raises(Died):
        await first.sender.run_once()
    assert (await row(mail_db, command)).status == "sending"

    restarted = gateway_for(settings)
    await wait_for(lambda: restarted.sender.run_once(), timeout=10)
    assert len(smtp.messages) == 1
    assert (await row(mail_db, command)).status == "sent"
    assert len(await _events(mail_db, "mail.sent")) == 1


async def test_a_crash_after_the_server_accepted_does_not_send_twice(
    smtp: SmtpPeer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    settings = smtp_settings(make_settings, smtp, smtp_claim_seconds=0.3)
    command = rfq()
    first = _dying(gateway_for(settings), after_delivery=True)
    await first.sender.queue(command)
    with pytest.raises(Died):
        await first.sender.run_once()
    assert len(smtp.messages) == 1
    assert (await row(mail_db, command)).status == "transmitting"

    restarted = gateway_for(settings)

    async def resolved() -> bool:
        await restarted.sender.run_once()
        return (await row(mail_db, command)).status != "transmitting"

    await wait_for(resolved, timeout=10)
    await restarted.sender.run_once()
    assert len(smtp.messages) == 1, "the message was sent twice"
    [failed] = await _events(mail_db, "mail.failed")
    assert failed["error"] == UNKNOWN_OUTCOME and failed["permanent"] is False
    assert await _events(mail_db, "mail.sent") == []
    assert await attempts(mail_db, command) == ["unknown"]


async def test_an_unknown_outcome_is_settled_by_the_sent_folder(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    with DovecotServer() as imap, SmtpPeer(credentials=(imap.user, imap.password)) as smtp:
        await asyncio.to_thread(imap.create_mailbox, "Sent")
        settings = smtp_settings(
            make_settings,
            smtp,
            smtp_claim_seconds=0.3,
            imap_server=imap.host,
            imap_port=imap.port,
            imap_security="none",
            email_username=imap.user,
            email_password=imap.password,
            imap_sent_folder="Sent",
        )
        command = rfq()
        first = _dying(gateway_for(settings), after_delivery=True)
        await first.sender.queue(command)
        with pytest.raises(Died):
            await first.sender.run_once()
        # The provider filed the message in Sent by itself, as mail.ru and Gmail do.
        await asyncio.to_thread(imap.append, smtp.messages[0].raw, "Sent", ["\\Seen"])

        restarted = gateway_for(settings)

        async def resolved() -> bool:
            await restarted.sender.run_once()
            return (await row(mail_db, command)).status != "transmitting"

        await wait_for(resolved, timeout=10)
        assert (await row(mail_db, command)).status == "sent"
        assert len(await _events(mail_db, "mail.sent")) == 1
        assert len(smtp.messages) == 1
        assert len(await asyncio.to_thread(imap.messages, "Sent")) == 1


async def test_each_sent_message_is_copied_to_the_sent_folder(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
) -> None:
    with DovecotServer() as imap, SmtpPeer(credentials=(imap.user, imap.password)) as smtp:
        await asyncio.to_thread(imap.create_mailbox, "Отправленные")
        settings = smtp_settings(
            make_settings,
            smtp,
            imap_server=imap.host,
            imap_port=imap.port,
            imap_security="none",
            email_username=imap.user,
            email_password=imap.password,
            imap_sent_folder="Отправленные",
        )
        command = rfq()
        async with running(assemble(settings)):
            await publish(js, bus, command)
            [sent] = await published.wait("mail.sent", 1)
            await wait_for(lambda: _copied(mail_db, command), timeout=10)
        [copy] = await asyncio.to_thread(imap.messages, "Отправленные")
    assert "\\Seen" in copy.flags
    parsed = BytesParser(policy=policy.default).parsebytes(copy.raw)
    assert parsed["Message-ID"] == sent["message_id"]


async def _copied(engine: AsyncEngine, command: MailSend) -> bool:
    return (await row(engine, command)).copy_saved_at is not None


async def test_without_smtp_the_message_lands_in_the_local_outbox(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
) -> None:
    settings = make_settings()
    command = rfq(purpose="proposal", request_id=None, rfq_number=None)
    async with running(assemble(settings)) as gateway:
        await publish(js, bus, command)
        [sent] = await published.wait("mail.sent", 1)
        health = await gateway.service.health()
    path = settings.mail_outbox_dir / f"{command.id}.eml"
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["Message-ID"] == sent["message_id"]
    assert sent["message_id"].startswith("<kp.")
    assert message["Subject"] == "Запрос цен: болты и гайки"
    # Neither server is configured, and that is no failure.
    assert health == (True, {**health[1], "smtp": "local outbox", "imap": "disabled"})


async def test_the_circuit_opens_after_repeated_failures_and_sends_wait(
    smtp: SmtpPeer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
) -> None:
    smtp.fail_next(421, stage="mail", times=1000)
    settings = smtp_settings(
        make_settings,
        smtp,
        mail_breaker_failures=2,
        mail_breaker_open_seconds=1.5,
        smtp_max_attempts=10,
        smtp_retry_backoff_seconds=[0.0],
        smtp_poll_seconds=0.05,
    )
    command = rfq()
    async with running(assemble(settings)) as gateway:
        await publish(js, bus, command)

        async def open_and_failing() -> bool:
            _, checks = await gateway.service.health()
            open_ = gateway.smtp_breaker.state is BreakerState.OPEN
            return open_ and checks["smtp"] == "failing: server error"

        await wait_for(open_and_failing, timeout=10)
        tried = len(smtp.rejections)
        smtp.clear()  # the server recovers
        [sent] = await published.wait("mail.sent", 1, timeout=10)
        ok, checks = await gateway.service.health()
    # Without the breaker, a zero backoff would have meant dozens of attempts meanwhile.
    assert tried == 2
    assert await attempts(mail_db, command) == ["retry", "retry", "sent"]
    assert ok and checks["smtp"] == "ok"
    assert sent["command_id"] == str(command.id)


async def test_an_auto_reply_is_never_answered(
    smtp: SmtpPeer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    js: JetStreamContext,
    bus: BusNames,
) -> None:
    raw, auto_id = letter(
        "Автоответ: Запрос цен [RFQ-2026-0042-3]",
        "Я в отпуске до 10 декабря, отвечу по возвращении.",
        Auto_Submitted="auto-replied",
    )
    async with running(assemble(smtp_settings(make_settings, smtp))) as gateway:
        stored = await gateway.intake.ingest(
            raw, Origin("upload", "zakupki@broker.example", "upload")
        )
        assert not stored.duplicate
        command = rfq(purpose="clarification", in_reply_to=auto_id)
        await publish(js, bus, command)
        [failed] = await published.wait("mail.failed", 1)
    assert failed["permanent"] is True and "automatic" in failed["error"]
    assert smtp.messages == []


DSN_WITHOUT_THE_ORIGINAL = """From: MAILER-DAEMON@mx.metiz.example
To: zakupki@broker.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-7f3a@mx.metiz.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=utf-8

Ваше письмо не удалось доставить.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.metiz.example

Final-Recipient: rfc822; Nobody@metiz.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B--
""".replace("\n", "\r\n").encode()


async def test_a_bounce_names_our_message_by_its_failed_recipient(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    gateway = gateway_for(make_settings())  # local outbox: no SMTP needed to have sent something
    command = rfq(to=[MailAddress(email="nobody@metiz.example")], cc=[])
    await gateway.sender.queue(command)
    await gateway.sender.run_once()
    sent = await row(mail_db, command)
    assert sent.status == "sent"

    await gateway.intake.ingest(
        DSN_WITHOUT_THE_ORIGINAL, Origin("upload", "zakupki@broker.example", "upload")
    )
    [event] = await _events(mail_db, "mail.received")
    assert event["flags"]["bounce"] is True
    assert event["flags"]["bounced_message_id"] == sent.message_id
    assert event["thread"]["request_id"] == 42 and event["thread"]["matched_by"] == "message_id"


async def test_a_stalled_worker_whose_claim_was_taken_over_does_not_send(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    gateway_for: Callable[[MailgatewaySettings], MailGateway],
) -> None:
    settings = make_settings(smtp_claim_seconds=0.2)
    stalled, other = gateway_for(settings), gateway_for(settings)
    command = rfq()
    await stalled.sender.queue(command)
    [mine] = await stalled.sender.claim()
    # The first worker hangs past its claim; another replica takes the row over.
    [theirs] = await wait_for(lambda: other.sender.claim(), timeout=5)
    assert theirs.attempts == mine.attempts + 1
    with pytest.raises(ClaimLost):
        await stalled.sender._mark_transmitting(mine)
    await other.sender.attempt(theirs)
    assert (await row(mail_db, command)).status == "sent"
    assert len(await _events(mail_db, "mail.sent")) == 1

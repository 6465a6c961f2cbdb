"""The SMTP peer: records what a client delivers and fails on command."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from tests.peers import SmtpPeer

SENDER = "zakupki@broker.example"
SUPPLIER = "sales@kabel-opt.example"
SECOND_SUPPLIER = "info@elektro-snab.example"
LOGIN = ("robot@broker.example", "Secret-Parol-1")


def _rfq(to: str = SUPPLIER) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Отдел закупок <{SENDER}>"
    message["To"] = to
    message["Subject"] = "Запрос цены: кабель ВВГнг-LS 3x2.5, 500 м"
    message.set_content("Здравствуйте! Просим прислать цену и срок поставки.")
    return message


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


def test_message_is_recorded_with_envelope_and_parsed_copy(smtp: SmtpPeer) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        client.send_message(_rfq(), to_addrs=[SUPPLIER, SECOND_SUPPLIER])

    [received] = smtp.wait_for(1)
    assert received.mail_from == SENDER
    assert received.rcpt_tos == (SUPPLIER, SECOND_SUPPLIER)
    assert received.message["Subject"] == "Запрос цены: кабель ВВГнг-LS 3x2.5, 500 м"
    assert "срок поставки" in received.message.get_content()
    assert received.raw.startswith(b"From:")
    assert received.message["From"].addresses[0].display_name == "Отдел закупок"
    assert b"\r\n" in received.raw
    assert received.login is None
    assert received.tls is False


def test_temporary_rcpt_failure_then_success(smtp: SmtpPeer) -> None:
    smtp.fail_next(451, stage="rcpt")
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.send_message(_rfq())
        assert refused.value.recipients[SUPPLIER][0] == 451
        assert smtp.messages == []
        client.rset()
        client.send_message(_rfq())

    assert len(smtp.wait_for(1)) == 1
    [rejection] = smtp.rejections
    assert (rejection.stage, rejection.address) == ("rcpt", SUPPLIER)
    assert rejection.reply.startswith("451 4.")


def test_permanent_data_failure_repeats_until_spent(smtp: SmtpPeer) -> None:
    smtp.fail_next(550, "5.7.1 Спам не принимаем", stage="data", times=2)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        for _ in range(2):
            with pytest.raises(smtplib.SMTPDataError) as failed:
                client.send_message(_rfq())
            assert failed.value.smtp_code == 550
        client.send_message(_rfq())
    assert len(smtp.wait_for(1)) == 1
    assert [r.stage for r in smtp.rejections] == ["data", "data"]


def test_rule_for_one_recipient_leaves_the_other(smtp: SmtpPeer) -> None:
    smtp.fail_next(550, stage="rcpt", address=SECOND_SUPPLIER.upper())
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        refused = client.send_message(_rfq(), to_addrs=[SUPPLIER, SECOND_SUPPLIER])
    assert refused == {SECOND_SUPPLIER: (550, b"5.1.1 Mailbox unavailable")}
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == (SUPPLIER,)


def test_mail_from_failure(smtp: SmtpPeer) -> None:
    smtp.fail_next(421, stage="mail")
    with (
        smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client,
        pytest.raises(smtplib.SMTPSenderRefused) as refused,
    ):
        client.send_message(_rfq())
    assert refused.value.smtp_code == 421


def test_only_failure_codes_can_be_scripted(smtp: SmtpPeer) -> None:
    with pytest.raises(ValueError, match="4xx or 5xx"):
        smtp.fail_next(250)


def test_auth_is_required_and_checked() -> None:
    with SmtpPeer(credentials=LOGIN) as peer:
        with smtplib.SMTP(peer.host, peer.port, timeout=10) as client:
            client.ehlo()
            assert {"PLAIN", "LOGIN"} <= set(client.esmtp_features["auth"].upper().split())
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                client.send_message(_rfq())
            assert refused.value.smtp_code == 530
            with pytest.raises(smtplib.SMTPAuthenticationError):
                client.login(LOGIN[0], "wrong-password")
            assert peer.auth_failures == 2  # smtplib tries PLAIN, then LOGIN

        with smtplib.SMTP(peer.host, peer.port, timeout=10) as client:
            client.login(*LOGIN)  # smtplib prefers PLAIN
            client.send_message(_rfq())

        with smtplib.SMTP(peer.host, peer.port, timeout=10) as client:
            client.ehlo()
            client.user, client.password = LOGIN
            code, _ = client.auth("LOGIN", client.auth_login)
            assert code == 235
            client.send_message(_rfq())

        received = peer.wait_for(2)
        assert [m.login for m in received] == [LOGIN[0], LOGIN[0]]


def test_starttls_with_verified_certificate() -> None:
    with SmtpPeer(tls="starttls", require_starttls=True, credentials=LOGIN) as peer:
        with smtplib.SMTP(peer.host, peer.port, timeout=10) as client:
            client.ehlo()
            assert client.has_extn("starttls")
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                client.send_message(_rfq())
            assert refused.value.smtp_code == 530
        with smtplib.SMTP(peer.host, peer.port, timeout=10) as client:
            client.starttls(context=peer.client_context())
            client.login(*LOGIN)
            client.send_message(_rfq())
        [received] = peer.wait_for(1)
        assert received.tls is True
        assert received.login == LOGIN[0]


def test_implicit_tls_like_port_465() -> None:
    with SmtpPeer(tls="implicit") as peer:
        with pytest.raises(ssl.SSLCertVerificationError):  # system CAs do not trust it
            smtplib.SMTP_SSL(peer.host, peer.port, context=ssl.create_default_context())
        with smtplib.SMTP_SSL(peer.host, peer.port, context=peer.client_context()) as client:
            client.send_message(_rfq())
        [received] = peer.wait_for(1)
        assert received.tls is True


def test_wait_for_times_out_with_a_count(smtp: SmtpPeer) -> None:
    with pytest.raises(TimeoutError, match="expected 1 message"):
        smtp.wait_for(1, timeout=0.2)


def test_wait_for_wakes_when_mail_arrives_from_another_thread(smtp: SmtpPeer) -> None:
    def send() -> None:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            client.send_message(_rfq())

    sender = threading.Thread(target=send)
    sender.start()
    assert len(smtp.wait_for(1, timeout=10)) == 1
    sender.join()


async def test_wait_for_async_does_not_block_the_loop(smtp: SmtpPeer) -> None:
    def send() -> None:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
            client.send_message(_rfq())

    received, _ = await asyncio.gather(smtp.wait_for_async(1), asyncio.to_thread(send))
    assert received[0].rcpt_tos == (SUPPLIER,)


def test_clear_forgets_messages_and_rules(smtp: SmtpPeer) -> None:
    smtp.fail_next(451, stage="rcpt", times=5)
    smtp.clear()
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        client.send_message(_rfq())
    assert len(smtp.wait_for(1)) == 1
    smtp.clear()
    assert smtp.messages == [] and smtp.rejections == []


def test_stop_closes_the_port() -> None:
    peer = SmtpPeer().start()
    port = peer.port
    peer.stop()
    with pytest.raises(OSError):
        socket.create_connection((peer.host, port), timeout=2)

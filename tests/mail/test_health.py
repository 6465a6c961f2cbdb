"""What an operator sees of the mail servers: GET /health and the log, against a real
Dovecot and a real SMTP server. A check says ``disabled``, ``local outbox``, ``standby``,
``connecting``, ``ok`` or ``failing: <reason>``; only ``connecting`` (at start) is a 503, a
failing mail server keeps the service up ("degraded") and alerts through the metric."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.testing import capture_logs

from snab_kit.testing import wait_for
from snab_mail.main import MailGateway, assemble
from snab_mail.settings import MailgatewaySettings
from tests.mail.support import health, http_get, running
from tests.peers import DovecotServer, SmtpPeer

LOGIN = ("zakupki@broker.example", "Parol-Snab-1")


@pytest.fixture
def imap() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


def imap_settings(
    make: Callable[..., MailgatewaySettings], imap: DovecotServer, **more: Any
) -> MailgatewaySettings:
    values: dict[str, Any] = {
        "imap_server": imap.host,
        "imap_port": imap.port,
        "imap_security": "none",
        "email_username": imap.user,
        "email_password": imap.password,
        **more,
    }
    return make(**values)


async def check_becomes(gateway: MailGateway, name: str, state: str, timeout: float) -> float:
    """Wait until /health shows ``state`` for check ``name``; returns how long it took."""
    started = time.monotonic()

    async def shown() -> bool:
        _, body, _ = await health(gateway)
        return bool(body["checks"][name] == state)

    await wait_for(shown, timeout=timeout, interval=0.1)
    return time.monotonic() - started


async def health_metric(gateway: MailGateway, check: str) -> float:
    """snab_health_check_ok of ``check`` as Prometheus scrapes it from /metrics."""
    text = (await http_get(gateway, "/metrics")).text
    for line in text.splitlines():
        labels = line.partition("}")[0]
        if line.startswith("snab_health_check_ok{") and f'check="{check}"' in labels:
            assert 'service="mail"' in labels
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no snab_health_check_ok for {check} in /metrics")


def warnings_named(logs: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [e for e in logs if e["event"] == event and e["log_level"] == "warning"]


async def test_without_mail_servers_imap_is_disabled_smtp_is_the_local_outbox_and_all_is_up(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
) -> None:
    async with running(assemble(make_settings())) as gateway:
        code, body, _ = await health(gateway)
    assert code == 200 and body["status"] == "ok"
    assert body["checks"]["imap"] == "disabled"
    assert body["checks"]["smtp"] == "local outbox"


async def test_a_wrong_imap_password_shows_as_failing_authentication_and_is_logged_once(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
) -> None:
    settings = imap_settings(make_settings, imap, email_password="wrong")
    with capture_logs() as logs:
        async with running(assemble(settings)) as gateway:
            took = await check_becomes(gateway, "imap", "failing: authentication", timeout=10)
            # The gateway keeps trying (1 s, 2 s, … apart); the log does not repeat itself.
            await wait_for(lambda: gateway.imap_breaker.consecutive_failures >= 2, timeout=15)
            code, body, text = await health(gateway)
            metric = await health_metric(gateway, "imap")
    print(f"wrong password: /health said 'failing: authentication' after {took:.2f}s")
    # A mailbox that refuses us does not make the service unready: it still sends and
    # answers rpc. The metric is what alerts.
    assert code == 200 and body["status"] == "degraded"
    assert body["checks"]["imap"] == "failing: authentication"
    assert metric == 0
    # Dovecot's own words stay out of /health (they go to the log).
    assert "AUTHENTICATIONFAILED" not in text and "Authentication failed" not in text
    [warning] = warnings_named(logs, "imap_unreachable")
    assert warning["reason"] == "authentication"
    assert warning["check"] == "EMAIL_USERNAME/EMAIL_PASSWORD"
    assert "AUTHENTICATIONFAILED" in warning["error"]


@pytest.mark.parametrize("security", ["ssl", "starttls"])
async def test_the_wrong_tls_mode_shows_as_failing_tls(
    security: str,
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
) -> None:
    # The test Dovecot listens in plain text and offers no STARTTLS.
    settings = imap_settings(make_settings, imap, imap_security=security)
    with capture_logs() as logs:
        async with running(assemble(settings)) as gateway:
            await check_becomes(gateway, "imap", "failing: tls", timeout=10)
            code, body, text = await health(gateway)
    assert code == 200 and body["status"] == "degraded"
    assert "SSL" not in text and "STARTTLS" not in text
    [warning] = warnings_named(logs, "imap_unreachable")
    assert warning["reason"] == "tls" and warning["check"] == "IMAP_SECURITY/IMAP_PORT"


async def test_connecting_is_unready_until_the_first_attempt_ends(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
) -> None:
    # Plain IMAP spoken to a TLS port: the server waits for a TLS hello, we for a greeting.
    with DovecotServer(tls=True) as imap:
        assert imap.tls_port is not None
        settings = imap_settings(
            make_settings, imap, imap_port=imap.tls_port, imap_timeout_seconds=2.0
        )
        async with running(assemble(settings)) as gateway:
            code, body, _ = await health(gateway)
            assert (code, body["status"], body["checks"]["imap"]) == (503, "starting", "connecting")
            await check_becomes(gateway, "imap", "failing: timeout", timeout=10)
            code, body, _ = await health(gateway)
    assert code == 200 and body["status"] == "degraded"


async def test_a_working_mailbox_is_ok(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
) -> None:
    async with running(assemble(imap_settings(make_settings, imap))) as gateway:
        await check_becomes(gateway, "imap", "ok", timeout=10)
        code, body, _ = await health(gateway)
        metric = await health_metric(gateway, "imap")
    assert code == 200 and body["status"] == "ok" and metric == 1


async def test_a_wrong_smtp_password_shows_before_anything_is_sent(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
) -> None:
    with SmtpPeer(credentials=LOGIN) as smtp:
        wrong = make_settings(
            smtp_server=smtp.host,
            smtp_port=smtp.port,
            smtp_security="none",
            email_username=LOGIN[0],
            email_password="wrong",
        )
        with capture_logs() as logs:
            async with running(assemble(wrong)) as gateway:
                await check_becomes(gateway, "smtp", "failing: authentication", timeout=10)
                code, body, text = await health(gateway)
        assert code == 200 and body["status"] == "degraded"
        assert "535" not in text and "credentials" not in text
        [warning] = warnings_named(logs, "smtp_unreachable")
        assert warning["reason"] == "authentication" and "SMTP_PASSWORD" in warning["check"]

        right = make_settings(**{**wrong.model_dump(), "email_password": LOGIN[1]})
        async with running(assemble(right)) as gateway:
            await check_becomes(gateway, "smtp", "ok", timeout=10)
        assert smtp.messages == []


async def test_a_refused_imap_connection_is_logged_once_then_recovery_once(
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
) -> None:
    imap = DovecotServer()
    imap.start()
    try:
        settings = imap_settings(make_settings, imap)
        with capture_logs() as logs:
            async with running(assemble(settings)) as gateway:
                await check_becomes(gateway, "imap", "ok", timeout=10)
                await asyncio.to_thread(imap.pause)
                await check_becomes(gateway, "imap", "failing: connection refused", timeout=15)
                await asyncio.to_thread(imap.resume)
                await check_becomes(gateway, "imap", "ok", timeout=30)
    finally:
        imap.stop()
    reasons = [w["reason"] for w in warnings_named(logs, "imap_unreachable")]
    assert reasons == ["connection lost", "connection refused"]
    assert [e["event"] for e in logs if e["event"] == "imap_reachable"] == ["imap_reachable"]

"""Logging: a later configuration reaches loggers that were already used."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from snab_kit.logging import configure_logging, get_logger

log = get_logger("snab_kit.tests.logging")


def test_a_later_configuration_reaches_a_logger_already_used() -> None:
    configure_logging(service="first", level="WARNING", fmt="console")
    log.info("dropped_at_warning")
    configure_logging(service="second", level="INFO", fmt="json")
    with capture_logs() as logs:
        log.info("kept_at_info")
    assert [e["event"] for e in logs] == ["kept_at_info"]


def test_secrets_are_redacted(capfd: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="redact", level="INFO", fmt="json")
    log.info("connected", password="hunter2", api_key="sk-1", user="ivan")
    out, err = capfd.readouterr()
    line = next(x for x in (out + err).splitlines() if "connected" in x)
    assert "hunter2" not in line and "sk-1" not in line and "ivan" in line

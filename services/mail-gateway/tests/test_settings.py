"""Settings: defaults, derived values, secrets."""

from __future__ import annotations

import pytest

from snab_mail.settings import MailgatewaySettings


def test_without_mail_settings_imap_is_off_and_smtp_goes_to_the_outbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("IMAP_SERVER", "EMAIL_USERNAME", "SMTP_SERVER", "EMAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    settings = MailgatewaySettings(_env_file=None)  # type: ignore[call-arg]
    assert not settings.imap_enabled and not settings.smtp_enabled
    assert settings.own_domain == "snab.local"


def test_derived_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_USERNAME", "zakupki@broker.example")
    monkeypatch.setenv("EMAIL_PASSWORD", "s3cret-pass")
    monkeypatch.setenv("EMAIL_FROM", "Отдел снабжения <Zakupki@Broker.Example>")
    monkeypatch.setenv("IMAP_SERVER", "imap.mail.ru")
    monkeypatch.setenv("SMTP_SERVER", "smtp.mail.ru")
    monkeypatch.setenv("SMTP_SECURITY", "starttls")
    monkeypatch.setenv("SMTP_RETRY_BACKOFF_SECONDS", "1,2.5")
    settings = MailgatewaySettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.imap_enabled and settings.smtp_enabled
    assert settings.imap_port_or_default == 993
    assert settings.smtp_port_or_default == 587
    assert settings.own_domain == "broker.example"
    assert settings.from_address == ("Отдел снабжения", "Zakupki@Broker.Example")
    assert settings.smtp_login == ("zakupki@broker.example", "s3cret-pass")
    assert settings.smtp_retry_backoff_seconds == [1.0, 2.5]
    assert "s3cret-pass" not in repr(settings)

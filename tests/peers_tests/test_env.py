"""Missing server binaries fail under CI and skip on a developer's machine."""

from __future__ import annotations

import re

import pytest

from tests.peers import require_binary

MISSING = "snab-no-such-daemon"
HINT = re.escape(f"{MISSING} not installed: run .ci/install-deps")


def test_missing_binary_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=HINT):
        require_binary(MISSING)


def test_missing_binary_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=HINT):
        require_binary(MISSING)


def test_daemon_in_sbin_is_found_without_sbin_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("CI", "true")
    assert require_binary("dovecot").name == "dovecot"

"""Checks for the machine the peers run on, and small network helpers."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

INSTALL_HINT = "run .ci/install-deps"

# Daemons live in sbin, which is not always on PATH for a non-login shell.
_EXTRA_DIRS = ("/usr/sbin", "/sbin", "/usr/local/sbin")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def find_binary(name: str) -> Path | None:
    """Return the path of an executable, looking in PATH and then in the sbin folders."""
    found = shutil.which(name)
    if found is None:
        found = shutil.which(name, path=os.pathsep.join(_EXTRA_DIRS))
    return Path(found) if found else None


def missing(reason: str) -> None:
    """Fail under CI (the machine is set up wrong), skip elsewhere."""
    if running_in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def require_binary(name: str) -> Path:
    """Path of a required executable; fails the test under CI=true, skips it otherwise."""
    path = find_binary(name)
    if path is None:
        missing(f"{name} not installed: {INSTALL_HINT}")
        raise AssertionError("unreachable")  # pytest.fail/skip raise
    return path


def require_root(what: str) -> None:
    if os.geteuid() != 0:
        missing(f"{what} needs root (it switches to the vmail/dovenull users)")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago; callers retry if someone takes it first."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port

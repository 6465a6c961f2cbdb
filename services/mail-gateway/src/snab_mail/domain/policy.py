"""What must never be answered: automatic mail (auto-replies, bounces) and mail daemons.

Answering an auto-reply or a bounce starts a mail loop; the parser never turns them into
orders or quotes, and the sender refuses a reply addressed to one.
"""

from __future__ import annotations

from collections.abc import Iterable

DAEMON_LOCAL_PARTS = frozenset({"mailer-daemon", "mail-daemon", "maildaemon", "mailerdaemon"})


def is_daemon_address(address: str) -> bool:
    local = address.strip().lower().rpartition("@")[0]
    return local in DAEMON_LOCAL_PARTS


def refusal(*, recipients: Iterable[str], replying_to_automatic: bool) -> str | None:
    """Why a message must not be sent, or None when it may go."""
    if replying_to_automatic:
        return "refusing to answer an automatic message (auto-reply or bounce)"
    daemons = [address for address in recipients if is_daemon_address(address)]
    if daemons:
        return f"refusing to write to a mail daemon: {', '.join(daemons)}"
    return None

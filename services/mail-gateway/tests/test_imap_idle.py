"""IDLE against a scripted IMAP server: the moments around DONE that a real Dovecot cannot
be made to produce on demand (tests/mail/test_idle.py has the real server)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from snab_mail.imap.client import ConnectionLost, ImapConfig, ImapSession, NoAnswer

CAPABILITIES = b"IMAP4rev1 IDLE"


class ScriptedImap:
    """Answers the login sequence like any server; around IDLE it does what ``on_idle``
    (right after "+ idling") and ``on_done`` say:

    - on_idle "bye": say BYE, keep the connection open;
    - on_done "exists+ok": report new mail in the same packet as the answer to DONE;
      "ok": just answer; "silent": never answer; "close": close instead of answering.
    """

    def __init__(self, *, on_done: str = "ok", on_idle: str = "") -> None:
        self.on_done = on_done
        self.on_idle = on_idle
        self.commands: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"* OK [CAPABILITY " + CAPABILITIES + b"] scripted server ready\r\n")
        idle_tag = b""
        try:
            while line := await reader.readline():
                tag, _, rest = line.strip().partition(b" ")
                command = rest.split(b" ", 1)[0].upper()
                self.commands.append(command or tag)
                if tag.upper() == b"DONE":
                    if self.on_done == "close":
                        break
                    if self.on_done == "exists+ok":
                        writer.write(b"* 1 EXISTS\r\n" + idle_tag + b" OK Idle completed.\r\n")
                    elif self.on_done == "ok":
                        writer.write(idle_tag + b" OK Idle completed.\r\n")
                elif command == b"CAPABILITY":
                    writer.write(b"* CAPABILITY " + CAPABILITIES + b"\r\n" + tag + b" OK done\r\n")
                elif command == b"LOGIN":
                    writer.write(tag + b" OK [CAPABILITY " + CAPABILITIES + b"] logged in\r\n")
                elif command == b"EXAMINE":
                    writer.write(
                        b"* 0 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 1] ok\r\n"
                        + tag
                        + b" OK [READ-ONLY] done\r\n"
                    )
                elif command == b"IDLE":
                    idle_tag = tag
                    writer.write(b"+ idling\r\n")
                    if self.on_idle == "bye":
                        writer.write(b"* BYE going away\r\n")
                elif command == b"LOGOUT":
                    writer.write(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                    break
                await writer.drain()
        finally:
            writer.close()


@asynccontextmanager
async def session_with(server: ScriptedImap, *, keepalive: float) -> AsyncIterator[ImapSession]:
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    config = ImapConfig(
        host="127.0.0.1",
        port=port,
        security="none",
        username="u",
        password="p",
        timeout=30.0,  # far above what any of these tests may take
        keepalive=keepalive,
    )
    session = await ImapSession.open(config)
    try:
        await session.examine("INBOX")
        yield session
    finally:
        await session.close()
        listener.close()


async def test_new_mail_reported_with_the_answer_to_done_is_not_missed() -> None:
    # aioimaplib hands over pushed lines only while the IDLE is pending: an EXISTS read
    # together with the answer to DONE stays in the finished command's buffer.
    server = ScriptedImap(on_done="exists+ok")
    async with session_with(server, keepalive=0.1) as session:
        assert await session.idle(2.0) is True
    assert server.commands.count(b"IDLE") == 1


async def test_the_idle_is_renewed_every_keepalive() -> None:
    server = ScriptedImap()
    async with session_with(server, keepalive=0.1) as session:
        assert await session.idle(0.55) is False
    assert 5 <= server.commands.count(b"IDLE") <= 6
    assert server.commands.count(b"DONE") == server.commands.count(b"IDLE")


async def test_a_server_that_never_answers_done_is_given_up_after_the_keepalive() -> None:
    # A connection dropped silently (or a hung server): the socket stays open, nothing
    # comes back. Without the keepalive this IDLE would last the full 540 s.
    async with session_with(ScriptedImap(on_done="silent"), keepalive=0.2) as session:
        started = time.monotonic()
        with pytest.raises(NoAnswer):
            await session.idle(540)
        took = time.monotonic() - started
        assert session.broken
    assert took < 2  # 0.2 s of IDLE, 0.2 s waiting for the answer to DONE


async def test_a_connection_closed_instead_of_answering_is_noticed_at_once() -> None:
    # aioimaplib's connection_lost() does not fail the command waiting for its answer:
    # waiting on the IDLE command alone sat out the 30 s timeout here.
    async with session_with(ScriptedImap(on_done="close"), keepalive=10.0) as session:
        started = time.monotonic()
        with pytest.raises(ConnectionLost):
            await session.idle(0.2)
    assert time.monotonic() - started < 2


async def test_bye_during_idle_ends_the_session_without_waiting_for_answers() -> None:
    # The server says BYE and closes only once it has read our DONE: a client that sends
    # DONE after a BYE and waits for the answer waited for its whole timeout.
    server = ScriptedImap(on_idle="bye", on_done="close")
    started = time.monotonic()
    async with session_with(server, keepalive=10.0) as session:
        with pytest.raises(ConnectionLost):
            await session.idle(540)
    assert time.monotonic() - started < 2

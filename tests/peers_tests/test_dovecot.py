"""The Dovecot peer: a real IMAP server that behaves like a provider's mailbox."""

from __future__ import annotations

import imaplib
import re
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from tests.peers import DovecotServer, DovecotStartError
from tests.peers.dovecot import imap_mailbox_name


def _rfq(subject: str, body: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Ольга Смирнова <o.smirnova@stroymontazh.example>"
    message["To"] = "zakupki@broker.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes()


RFQ = _rfq(
    "Запрос цен: кабель ВВГнг 3x2.5",
    "Добрый день! Просим выставить счёт на кабель ВВГнг-LS 3x2.5, 500 м.",
    "<rfq-1@stroymontazh.example>",
)


@pytest.fixture
def imap() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


def _forget(client: imaplib.IMAP4) -> None:
    """Close a client whose server hung up (LOGOUT would fail on the dead socket)."""
    client.shutdown()
    client.state = "LOGOUT"


def _capabilities(client: imaplib.IMAP4) -> set[str]:
    status, data = client.capability()
    assert status == "OK"
    return set(data[-1].decode().upper().split())


def test_append_then_peek_leaves_message_unseen(imap: DovecotServer) -> None:
    uid = imap.append(RFQ)

    with imaplib.IMAP4(imap.host, imap.port, timeout=10) as client:
        client.login(imap.user, imap.password)
        status, exists = client.select("INBOX")
        assert (status, exists) == ("OK", [b"1"])
        status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
        assert status == "OK"
        meta, raw = data[0]
        assert f"UID {uid}".encode() in meta
        assert raw == RFQ.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    assert "\\Seen" not in imap.fetch_flags(uid)
    assert imap.count() == 1


def test_eight_bit_windows_1251_message_is_stored_byte_for_byte(imap: DovecotServer) -> None:
    raw = (
        "From: snab@zavod.example\r\nSubject: =?windows-1251?B?0ffl8g==?=\r\n"
        "Content-Type: text/plain; charset=windows-1251\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nСчёт на оплату № 17 от 01.07.2025\r\n"
    ).encode("cp1251")
    uid = imap.append(raw)
    [stored] = imap.messages()
    assert (stored.uid, stored.raw) == (uid, raw)


def test_append_keeps_flags_and_returns_increasing_uids(imap: DovecotServer) -> None:
    first = imap.append(RFQ, flags=["\\Seen", "\\Flagged"])
    second = imap.append(RFQ)
    assert second > first
    assert imap.fetch_flags(first) == {"\\Seen", "\\Flagged"}
    assert imap.fetch_flags(second) == frozenset()
    assert imap.uids() == [first, second]


def test_wrong_password_is_refused(imap: DovecotServer) -> None:
    with (
        imaplib.IMAP4(imap.host, imap.port, timeout=10) as client,
        pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"),
    ):
        client.login(imap.user, imap.password + "x")


def test_idle_is_advertised_and_announces_new_mail(imap: DovecotServer) -> None:
    with imaplib.IMAP4(imap.host, imap.port, timeout=10) as client:
        assert "IDLE" in {c.upper() for c in client.capabilities}
        client.login(imap.user, imap.password)
        assert "IDLE" in _capabilities(client)
        client.select("INBOX")
        # imaplib has no IDLE before Python 3.14: speak it on the wire.
        client.send(b"I1 IDLE\r\n")
        assert client.readline().startswith(b"+ ")
        imap.append(RFQ)
        assert client.readline().strip() == b"* 1 EXISTS"
        client.send(b"DONE\r\n")
        while not (line := client.readline()).startswith(b"I1 "):
            pass
        assert line.startswith(b"I1 OK")


def test_server_without_idle_hides_it_from_capability() -> None:
    with (
        DovecotServer(idle=False) as server,
        imaplib.IMAP4(server.host, server.port, timeout=10) as client,
    ):
        assert "IDLE" not in {c.upper() for c in client.capabilities}
        client.login(server.user, server.password)
        capabilities = _capabilities(client)
        assert "IDLE" not in capabilities
        assert {"IMAP4REV1", "UIDPLUS", "MOVE"} <= capabilities


def test_recreated_inbox_gets_new_uidvalidity_and_uids_from_one(imap: DovecotServer) -> None:
    imap.append(RFQ, flags=["\\Seen"])
    second = _rfq("Re: Запрос цен", "Уточните сроки поставки.", "<rfq-2@stroymontazh.example>")
    imap.append(second)
    imap.append(RFQ)
    before = imap.uidvalidity()
    old = imap.messages()
    assert [m.uid for m in old] == [1, 2, 3]

    # UIDs are not reused before the rebuild: drop the first message, as a client might.
    with imap.connect() as client:
        client.select("INBOX")
        client.uid("STORE", "1", "+FLAGS.SILENT", r"(\Deleted)")
        client.expunge()
    assert imap.uids() == [2, 3]

    after = imap.recreate_mailbox()

    assert after != before
    assert imap.uidvalidity() == after
    new = imap.messages()
    assert [m.uid for m in new] == [1, 2]  # UIDs start again: a UID-only cursor breaks
    assert [m.raw for m in new] == [m.raw for m in old[1:]]
    assert [m.flags for m in new] == [m.flags for m in old[1:]]


def test_recreating_inbox_says_bye_to_open_sessions(imap: DovecotServer) -> None:
    imap.append(RFQ)
    with imap.connect() as watcher:
        watcher.select("INBOX")
        watcher.send(b"I1 IDLE\r\n")
        assert watcher.readline().startswith(b"+ ")

        imap.recreate_mailbox()

        assert watcher.readline().startswith(b"* BYE")
        assert watcher.readline() == b""  # connection closed
        _forget(watcher)
    with imap.connect() as client:
        status, exists = client.select("INBOX")
        assert (status, exists) == ("OK", [b"1"])


def test_kick_drops_sessions(imap: DovecotServer) -> None:
    with imap.connect() as first, imap.connect() as second:
        for client in (first, second):
            client.select("INBOX")
        imap.kick()
        for client in (first, second):
            with pytest.raises((imaplib.IMAP4.abort, OSError)):
                client.noop()
            _forget(client)


def test_recreated_folder_with_russian_name(imap: DovecotServer) -> None:
    folder = "Поставщики/Кабель"
    imap.create_mailbox(folder)
    encoded = b'"/" &BB8EPgRBBEIEMAQyBEkEOAQ6BDg-/&BBoEMAQxBDUEOwRM-'
    assert any(line.endswith(encoded) for line in imap.mailboxes())
    uid = imap.append(RFQ, folder, flags=["\\Answered"])
    before = imap.uidvalidity(folder)

    after = imap.recreate_mailbox(folder)

    assert after != before
    assert imap.count(folder) == 1
    assert imap.fetch_flags(uid, folder) == {"\\Answered"}
    imap.delete_mailbox(folder)
    assert not any(b"&BBoEMAQxBDUEOwRM-" in line for line in imap.mailboxes())


def test_mailbox_names_are_quoted_modified_utf7() -> None:
    assert imap_mailbox_name("INBOX") == '"INBOX"'
    assert imap_mailbox_name("Входящие") == '"&BBIERQQ+BDQETwRJBDgENQ-"'
    assert imap_mailbox_name('A&B "x"') == '"A&-B \\"x\\""'


def test_two_instances_run_side_by_side() -> None:
    with DovecotServer() as first, DovecotServer(user="sales@broker.example") as second:
        assert first.port != second.port
        assert first.workdir != second.workdir
        first.append(RFQ)
        assert first.count() == 1
        assert second.count() == 0
        with (
            imaplib.IMAP4(second.host, second.port, timeout=10) as client,
            pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"),
        ):
            client.login(first.user, first.password)


def test_implicit_tls_listener_verifies_with_own_cert() -> None:
    with DovecotServer(tls=True) as server:
        assert server.tls_port is not None and server.cert is not None
        server.append(RFQ)
        with server.connect_tls() as client:
            status, exists = client.select("INBOX", readonly=True)
            assert (status, exists) == ("OK", [b"1"])
            assert client.sock.version() in {"TLSv1.2", "TLSv1.3"}
        with server.connect() as client:  # the plain listener still works
            assert client.select("INBOX", readonly=True)[0] == "OK"


def test_stop_removes_the_instance(imap: DovecotServer) -> None:
    workdir, port = imap.workdir, imap.port
    imap.stop()
    assert not workdir.exists()
    with pytest.raises(OSError):
        imaplib.IMAP4(imap.host, port, timeout=2)


def test_bad_config_fails_start_with_log_tail() -> None:
    server = DovecotServer(extra_config="no_such_setting_here = 1")
    with pytest.raises(DovecotStartError, match=re.compile("no_such_setting_here", re.S)):
        server.start()
    assert server._process is None

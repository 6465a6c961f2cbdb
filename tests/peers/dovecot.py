"""A real Dovecot IMAP server run as a child process, one private instance per object.

Each instance has its own config, runtime folder, log and Maildir storage in a temp
folder and listens on free high ports of 127.0.0.1, so several can run at once next to
(and independently of) a system-wide Dovecot. Dovecot 2.3 (Debian 12) config syntax.

    with DovecotServer() as imap:
        uid = imap.append(raw_eml)
        client = imaplib.IMAP4(imap.host, imap.port)
        client.login(imap.user, imap.password)
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import grp
import imaplib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from .env import free_port, require_binary, require_root
from .tls import SelfSignedCert, make_self_signed_cert

MAIL_USER = "vmail"
DEFAULT_USER = "snab@broker.example"

# Dovecot 2.3's post-login CAPABILITY minus IDLE: what a server without IDLE (mail.ru) shows.
CAPABILITY_WITHOUT_IDLE = (
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES "
    "THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN "
    "NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES "
    "WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW "
    "STATUS=SIZE SAVEDATE LITERAL+ NOTIFY"
)

_DH_PARAMS = Path("/usr/share/dovecot/dh.pem")
_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")
_FETCH_UID = re.compile(rb"\bUID (\d+)")
_FETCH_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")
_PORT_TAKEN = "Address already in use"
_EX_NOUSER = 68


class DovecotStartError(RuntimeError):
    """Dovecot exited or did not greet in time; the message carries its log tail."""


@dataclass(frozen=True)
class StoredMessage:
    uid: int
    flags: frozenset[str]
    internal_date: str
    raw: bytes


def ensure_mail_user() -> pwd.struct_passwd:
    """The unprivileged owner of the test mail (created as a system user when missing)."""
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(MAIL_USER)
    try:
        grp.getgrnam(MAIL_USER)
        group_args = ["-g", MAIL_USER]
    except KeyError:
        group_args = ["--user-group"]
    subprocess.run(
        [
            "useradd",
            "--system",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            *group_args,
            MAIL_USER,
        ],
        check=False,
        capture_output=True,
    )
    return pwd.getpwnam(MAIL_USER)  # a parallel run may have created it; KeyError if not


def imap_mailbox_name(name: str) -> str:
    """Encode a mailbox name as a quoted IMAP string in modified UTF-7 (RFC 3501 5.1.3)."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    quoted = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}"'


def _check(response: tuple[str, list[Any]], what: str) -> list[Any]:
    status, data = response
    if status != "OK":
        raise RuntimeError(f"IMAP {what} failed: {status} {data!r}")
    return data


class DovecotServer:
    """A private Dovecot instance with one passwd-file user and Maildir storage.

    ``idle=False`` lists no IDLE in CAPABILITY (polling clients); ``tls=True`` adds an
    implicit-TLS listener on ``tls_port`` with a self-signed ``cert``. ``separator`` is
    the hierarchy delimiter clients see. ``extra_config`` is appended to the generated
    dovecot.conf verbatim.
    """

    host = "127.0.0.1"

    def __init__(
        self,
        *,
        idle: bool = True,
        tls: bool = False,
        user: str = DEFAULT_USER,
        password: str | None = None,
        separator: str = "/",
        extra_config: str = "",
        startup_timeout: float = 20.0,
    ) -> None:
        self.idle = idle
        self.tls = tls
        self.user = user
        self.password = password if password is not None else secrets.token_urlsafe(12)
        self.separator = separator
        self.extra_config = extra_config
        self.startup_timeout = startup_timeout
        self.port = 0
        self.tls_port: int | None = None
        self.cert: SelfSignedCert | None = None
        self._workdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    # --- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def workdir(self) -> Path:
        if self._workdir is None:
            raise RuntimeError("DovecotServer is not started")
        return self._workdir

    @property
    def config_path(self) -> Path:
        return self.workdir / "dovecot.conf"

    @property
    def log_path(self) -> Path:
        return self.workdir / "dovecot.log"

    @property
    def maildir(self) -> Path:
        """The user's Maildir root, which is also INBOX."""
        return self.workdir / "mail" / self.user / "Maildir"

    def start(self) -> Self:
        if self._process is not None:
            raise RuntimeError("DovecotServer is already running")
        binary = require_binary("dovecot")
        require_root("Dovecot test server")
        mail_user = ensure_mail_user()
        self._workdir = Path(tempfile.mkdtemp(prefix="snab-dovecot-"))
        try:
            self._prepare_workdir(mail_user)
            for _attempt in range(5):
                self.port = free_port(self.host)
                self.tls_port = free_port(self.host) if self.tls else None
                self.config_path.write_text(self._config(mail_user), encoding="utf-8")
                if self._launch(binary):
                    atexit.register(self.stop)
                    return self
            raise DovecotStartError("Dovecot could not bind a free port after 5 attempts")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            atexit.unregister(self.stop)
            _terminate(process)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def log_tail(self, lines: int = 40) -> str:
        chunks = []
        for path in (self.workdir / "stderr.log", self.log_path):
            if path.exists():
                chunks.extend(path.read_text(errors="replace").splitlines()[-lines:])
        return "\n".join(chunks)

    def _prepare_workdir(self, mail_user: pwd.struct_passwd) -> None:
        workdir = self.workdir
        workdir.chmod(0o755)  # mail processes run as vmail and must reach mail/
        for name in ("run", "state"):
            (workdir / name).mkdir()
        mail_root = workdir / "mail"
        mail_root.mkdir()
        os.chown(mail_root, mail_user.pw_uid, mail_user.pw_gid)
        users = workdir / "users"
        users.write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n", encoding="utf-8")
        users.chmod(0o644)  # read by the auth process, which runs as the dovecot user
        if self.tls:
            self.cert = make_self_signed_cert(workdir / "tls")

    def _config(self, mail_user: pwd.struct_passwd) -> str:
        workdir = self.workdir
        lines = [
            f"base_dir = {workdir / 'run'}",
            f"state_dir = {workdir / 'state'}",
            f"instance_name = {workdir.name}",
            f"log_path = {self.log_path}",
            "protocols = imap",
            f"listen = {self.host}",
            "default_login_user = dovenull",
            "default_internal_user = dovecot",
            f"first_valid_uid = {mail_user.pw_uid}",
            f"mail_uid = {mail_user.pw_uid}",
            f"mail_gid = {mail_user.pw_gid}",
            "mail_location = maildir:~/Maildir",
            "namespace inbox {",
            "  inbox = yes",
            f"  separator = {self.separator}",
            "}",
            "mail_fsync = never",
            "mail_max_userip_connections = 100",
            "disable_plaintext_auth = no",
            "auth_mechanisms = plain login",
            "auth_verbose = yes",
            "auth_failure_delay = 0",
            "passdb {",
            "  driver = passwd-file",
            f"  args = scheme=PLAIN username_format=%u {workdir / 'users'}",
            "}",
            "userdb {",
            "  driver = static",
            f"  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={workdir / 'mail'}/%u",
            "}",
            "service imap-login {",
            "  inet_listener imap {",
            f"    address = {self.host}",
            f"    port = {self.port}",
            "  }",
            "  inet_listener imaps {",
            f"    address = {self.host}",
            f"    port = {self.tls_port or 0}",
            "    ssl = yes",
            "  }",
            "}",
        ]
        if self.cert is not None:
            lines += [
                "ssl = yes",
                f"ssl_cert = <{self.cert.cert_path}",
                f"ssl_key = <{self.cert.key_path}",
            ]
            if _DH_PARAMS.exists():
                lines.append(f"ssl_dh = <{_DH_PARAMS}")
        else:
            lines.append("ssl = no")
        if not self.idle:
            lines.append(f"imap_capability = {CAPABILITY_WITHOUT_IDLE}")
        return "\n".join(lines) + "\n" + self.extra_config + "\n"

    def _launch(self, binary: Path) -> bool:
        """Start the master and wait for the greeting; False if the port was taken."""
        for path in (self.log_path, self.workdir / "stderr.log"):
            path.unlink(missing_ok=True)
        with (self.workdir / "stderr.log").open("wb") as stderr:
            self._process = subprocess.Popen(
                [str(binary), "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._greets():
                return True
            try:
                self._process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            log = self.log_tail()
            self._process = None
            if _PORT_TAKEN in log:
                return False
            raise DovecotStartError(f"dovecot exited during start-up:\n{log}")
        log = self.log_tail()
        _terminate(self._process)
        self._process = None
        raise DovecotStartError(f"dovecot did not greet within {self.startup_timeout}s:\n{log}")

    def _greets(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=2) as sock:
                return sock.makefile("rb").readline().startswith(b"* OK")
        except OSError:
            return False

    # --- clients ---------------------------------------------------------------------

    def connect(self) -> imaplib.IMAP4:
        """A logged-in plain IMAP client for the test user (usable as a context manager)."""
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def connect_tls(self, context: ssl.SSLContext | None = None) -> imaplib.IMAP4_SSL:
        """A logged-in IMAPS client; by default it verifies against the instance's cert."""
        if self.tls_port is None or self.cert is None:
            raise RuntimeError("start DovecotServer(tls=True) for an IMAPS listener")
        client = imaplib.IMAP4_SSL(
            self.host,
            self.tls_port,
            ssl_context=context or self.cert.client_context(),
            timeout=10,
        )
        client.login(self.user, self.password)
        return client

    @contextlib.contextmanager
    def _session(self) -> Iterator[imaplib.IMAP4]:
        client = self.connect()
        try:
            yield client
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                client.logout()

    # --- mailbox helpers -------------------------------------------------------------

    def append(
        self,
        raw: bytes,
        mailbox: str = "INBOX",
        flags: Iterable[str] = (),
        internal_date: str | None = None,
    ) -> int:
        """APPEND a message and return its UID. ``internal_date`` is an IMAP date-time
        string such as ``"01-Jul-2025 10:00:00 +0300"``; line endings become CRLF."""
        flag_list = " ".join(flags)
        date = f'"{internal_date}"' if internal_date else None
        with self._session() as client:
            data = _check(
                client.append(
                    imap_mailbox_name(mailbox), f"({flag_list})" if flag_list else None, date, raw
                ),
                "APPEND",
            )
        match = _APPENDUID.search(data[0] if data and isinstance(data[0], bytes) else b"")
        if match is None:
            raise RuntimeError(f"APPEND gave no APPENDUID: {data!r}")
        return int(match.group(2))

    def create_mailbox(self, mailbox: str) -> None:
        with self._session() as client:
            _check(client.create(imap_mailbox_name(mailbox)), "CREATE")

    def delete_mailbox(self, mailbox: str) -> None:
        with self._session() as client:
            _check(client.delete(imap_mailbox_name(mailbox)), "DELETE")

    def mailboxes(self) -> list[bytes]:
        """Raw LIST lines (names in modified UTF-7, as a client would see them)."""
        with self._session() as client:
            return [line for line in _check(client.list(), "LIST") if isinstance(line, bytes)]

    def _status(self, mailbox: str, item: str) -> int:
        with self._session() as client:
            data = _check(client.status(imap_mailbox_name(mailbox), f"({item})"), "STATUS")
        line = data[0]
        match = re.search(rf"{item} (\d+)".encode(), line if isinstance(line, bytes) else b"")
        if match is None:
            raise RuntimeError(f"STATUS gave no {item}: {data!r}")
        return int(match.group(1))

    def uidvalidity(self, mailbox: str = "INBOX") -> int:
        return self._status(mailbox, "UIDVALIDITY")

    def count(self, mailbox: str = "INBOX") -> int:
        return self._status(mailbox, "MESSAGES")

    def messages(self, mailbox: str = "INBOX") -> list[StoredMessage]:
        """Every message with UID, flags (without \\Recent) and raw bytes; marks nothing."""
        with self._session() as client:
            exists = _check(client.select(imap_mailbox_name(mailbox), readonly=True), "EXAMINE")
            if exists == [b"0"]:
                return []
            data = _check(
                client.uid("FETCH", "1:*", "(UID FLAGS INTERNALDATE BODY.PEEK[])"), "FETCH"
            )
        result = []
        for item in data:
            if not isinstance(item, tuple):
                continue
            meta, raw = item
            uid = _FETCH_UID.search(meta)
            flags = _FETCH_FLAGS.search(meta)
            date = re.search(rb'INTERNALDATE "([^"]+)"', meta)
            if uid is None or flags is None or date is None:
                raise RuntimeError(f"unexpected FETCH response: {meta!r}")
            result.append(
                StoredMessage(
                    uid=int(uid.group(1)),
                    flags=frozenset(flags.group(1).decode().split()) - {"\\Recent"},
                    internal_date=date.group(1).decode(),
                    raw=raw,
                )
            )
        return result

    def uids(self, mailbox: str = "INBOX") -> list[int]:
        return [message.uid for message in self.messages(mailbox)]

    def fetch_flags(self, uid: int, mailbox: str = "INBOX") -> frozenset[str]:
        """Flags of one message (without the session-local \\Recent)."""
        with self._session() as client:
            _check(client.select(imap_mailbox_name(mailbox), readonly=True), "EXAMINE")
            data = _check(client.uid("FETCH", str(uid), "(FLAGS)"), "FETCH")
        for item in data:
            meta = item[0] if isinstance(item, tuple) else item
            if isinstance(meta, bytes) and (flags := _FETCH_FLAGS.search(meta)):
                return frozenset(flags.group(1).decode().split()) - {"\\Recent"}
        raise KeyError(f"no message with UID {uid} in {mailbox}")

    def kick(self, timeout: float = 10.0) -> None:
        """Drop every IMAP session of the user (clients get ``* BYE``), like a restart."""
        self._doveadm("kick", self.user, ok_codes=(0, _EX_NOUSER))  # 68: nobody to kick
        deadline = time.monotonic() + timeout
        while self._sessions():
            if time.monotonic() > deadline:
                raise TimeoutError(f"IMAP sessions of {self.user} still open after kick")
            time.sleep(0.02)

    def _sessions(self) -> list[str]:
        rows = self._doveadm("who", "-1", self.user).splitlines()[1:]  # first line: header
        return [row for row in rows if row.split()[:1] == [self.user]]

    def session_pids(self) -> list[int]:
        """The ``imap`` processes serving the user's open sessions (one per session)."""
        # doveadm who -1: username, proto, pid, ip
        return [int(row.split()[2]) for row in self._sessions()]

    @contextlib.contextmanager
    def stalled(self) -> Iterator[list[int]]:
        """Freeze (SIGSTOP) the processes of the user's open sessions: their clients keep
        a connection that is never closed and never answered again, as when a NAT or a
        firewall drops it silently or the server hangs. New sessions are served as usual.
        The frozen processes are killed on exit. Yields their pids."""
        pids = self.session_pids()
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield pids
        finally:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def _doveadm(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> str:
        doveadm = require_binary("doveadm")
        command = [str(doveadm), "-c", str(self.config_path), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode not in ok_codes:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()}")
        return result.stdout

    def recreate_mailbox(self, mailbox: str = "INBOX") -> int:
        """Rebuild a mailbox with the same messages and flags but a new UIDVALIDITY and
        UIDs from 1 again, as a server does after losing its index. Returns the new value.

        INBOX cannot be deleted over IMAP: the user's sessions are kicked (BYE) and its
        Maildir files are removed on disk. Other mailboxes go through DELETE and CREATE.
        """
        before = self.uidvalidity(mailbox)
        saved = self.messages(mailbox)
        if mailbox.upper() == "INBOX":
            self.kick()
            # Wipe with the server down, as a server that lost its index comes back: no
            # session (not even one a kick missed) lives on over the rebuilt INBOX.
            self._restart(between=self._wipe_inbox)
        else:
            self.delete_mailbox(mailbox)
            self.create_mailbox(mailbox)
        for message in saved:
            self.append(message.raw, mailbox, sorted(message.flags), message.internal_date)
        after = self.uidvalidity(mailbox)
        if after == before:
            raise RuntimeError(f"UIDVALIDITY of {mailbox} did not change ({after})")
        return after

    def _restart(self, between: Callable[[], None]) -> None:
        """Stop the server (every session ends), run ``between``, start it again on the
        same port with the same configuration."""
        self.pause()
        between()
        self.resume()

    def pause(self) -> None:
        """Stop the server: every session ends (BYE), new connections are refused. The
        mail stays; ``resume()`` starts it again on the same port."""
        if self._process is not None:
            _terminate(self._process)
            self._process = None

    def resume(self) -> None:
        if self._process is None and not self._launch(require_binary("dovecot")):
            raise DovecotStartError(f"port {self.port} was taken while the server was paused")

    def _wipe_inbox(self) -> None:
        maildir = self.maildir
        for sub in ("cur", "new", "tmp"):
            for path in (maildir / sub).glob("*"):
                path.unlink()
        for pattern in (
            "dovecot-uidlist",
            "dovecot-keywords",
            "dovecot.index*",
            "dovecot.list.index*",
        ):
            for path in maildir.glob(pattern):
                path.unlink()


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the whole process group at once (the master alone takes a second to shut
    its children down), then SIGKILL whatever is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        # The master is not reaped yet, so its pid (the group id) cannot have been reused.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

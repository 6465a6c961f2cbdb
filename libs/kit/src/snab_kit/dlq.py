"""Dead letters: list what waits in the DLQ stream, replay it once the cause is fixed.

A replayed message goes back to its original subject with a new ``Nats-Msg-Id`` (so
JetStream's duplicate window does not swallow it); its event id is unchanged, so a
consumer that did handle it meanwhile still skips it through its inbox.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from snab_kit.bus import BusNames


@dataclass(frozen=True, slots=True)
class DeadLetter:
    seq: int
    subject: str
    """The subject the message failed on (without the ``dlq.`` prefix or namespace)."""
    error: str
    consumer: str
    delivered: int
    time: datetime | None
    data: bytes


async def dead_letters(
    js: JetStreamContext, names: BusNames, subject: str | None = None, limit: int = 1000
) -> list[DeadLetter]:
    stream = names.stream("DLQ")
    wanted = names.subject(f"dlq.{subject}" if subject else "dlq.>")
    found: list[DeadLetter] = []
    seq = 1
    while len(found) < limit:
        try:
            msg = await js.get_msg(stream, seq=seq, subject=wanted, next=True)
        except NotFoundError:
            break
        headers = _headers(msg.hdrs)
        logical = names.logical(msg.subject or "")
        found.append(
            DeadLetter(
                seq=msg.seq or 0,
                subject=logical.removeprefix("dlq."),
                error=headers.get("Snab-Error", ""),
                consumer=headers.get("Snab-Consumer", ""),
                delivered=int(headers.get("Snab-Delivered", "0") or 0),
                time=msg.time,
                data=msg.data or b"",
            )
        )
        seq = (msg.seq or seq) + 1
    return found


def _headers(encoded: str | bytes | None) -> dict[str, str]:
    """The NATS header block of a stored message, read as UTF-8 (nats-py's own reading
    goes through the email parser, which mangles non-ASCII values such as Russian errors)."""
    if not encoded:
        return {}
    block = base64.b64decode(encoded).decode("utf-8", errors="replace")
    headers: dict[str, str] = {}
    for line in block.split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip()] = value.strip()
    return headers


async def replay(js: JetStreamContext, names: BusNames, letter: DeadLetter) -> None:
    """Publish the message to its subject again, then remove it from the DLQ."""
    await js.publish(
        names.subject(letter.subject),
        letter.data,
        headers={"Nats-Msg-Id": f"replay:{letter.seq}:{uuid.uuid4()}"},
    )
    await js.delete_msg(names.stream("DLQ"), letter.seq)


async def drop(js: JetStreamContext, names: BusNames, letter: DeadLetter) -> None:
    await js.delete_msg(names.stream("DLQ"), letter.seq)

"""What changed, for the web admin and integrations: a feed of domain events read
straight from JetStream.

Each client gets its own ordered consumer per stream (ORDERS, QUOTES, REQUESTS,
DOCUMENTS: in-memory, no acks, gone when the client goes), filtered to the events a
manager cares about. A change's id is the position of the feed in every stream —
``o120.q37.r9.d4``, the last stream sequence seen in each — so a client that reconnects
with it (``Last-Event-ID``) continues exactly after the last change it got, whichever
stream that came from. Without one, the feed starts at the end of each stream.

The REST API serves the feed as server-sent events (``sse_body``); the web admin can read
the same ``ChangeFeed`` and render each change its own way.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from uuid import UUID

from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from snab_kit.bus import BusNames
from snab_kit.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Feed:
    key: str
    stream: str
    subjects: tuple[str, ...]


FEEDS: tuple[Feed, ...] = (
    Feed("o", "ORDERS", ("order.created", "order.updated")),
    Feed("q", "QUOTES", ("quote.received",)),
    Feed("r", "REQUESTS", ("request.failed", "request.timeout", "request.escalation")),
    Feed("d", "DOCUMENTS", ("document.generated", "document.failed")),
)
CHANGE_TYPES: tuple[str, ...] = tuple(s for f in FEEDS for s in f.subjects)

_POSITION = re.compile(r"^o(\d{1,19})\.q(\d{1,19})\.r(\d{1,19})\.d(\d{1,19})$")
QUEUE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Position:
    """The last stream sequence delivered from each stream, by feed key."""

    seqs: Mapping[str, int]

    def encode(self) -> str:
        return ".".join(f"{f.key}{self.seqs.get(f.key, 0)}" for f in FEEDS)

    @classmethod
    def parse(cls, text: str) -> Position | None:
        match = _POSITION.match(text.strip())
        if match is None:
            return None
        return cls({f.key: int(n) for f, n in zip(FEEDS, match.groups(), strict=True)})


@dataclass(frozen=True, slots=True)
class Change:
    """One domain event: ``type`` is its subject (``order.created``), ``data`` the event
    as published (its contract is in libs/contracts/schemas), ``id`` the feed's position
    after it."""

    id: str
    type: str
    order_id: UUID | None
    data: dict[str, Any]


@dataclass
class ChangeFeed:
    """``async with ChangeFeed(js, names, since=..., order_id=...) as feed``: then
    ``await feed.next(timeout)`` gives the next change, or None when none came in time."""

    js: JetStreamContext
    names: BusNames
    since: Position | None = None
    order_id: UUID | None = None
    position: dict[str, int] = field(default_factory=dict)
    _queue: asyncio.Queue[tuple[str, Msg]] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_SIZE)
    )
    _subs: list[Subscription] = field(default_factory=list)

    @property
    def start(self) -> str:
        """The position the feed started at (the id of a "ready" event)."""
        return Position(self.position).encode()

    async def __aenter__(self) -> ChangeFeed:
        try:
            for feed in FEEDS:
                await self._subscribe(feed)
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _subscribe(self, feed: Feed) -> None:
        stream = self.names.stream(feed.stream)
        info = await self.js.stream_info(stream)
        last = int(info.state.last_seq)
        start = self.since.seqs.get(feed.key, last) if self.since is not None else last
        # A position past the end: the stream was made anew since; follow the new one.
        start = min(start, last)
        self.position[feed.key] = start

        async def deliver(msg: Msg) -> None:
            await self._queue.put((feed.key, msg))

        sub = await self.js.subscribe(
            self.names.subject(feed.subjects[0]),
            stream=stream,
            cb=deliver,
            ordered_consumer=True,
            config=ConsumerConfig(
                filter_subjects=[self.names.subject(s) for s in feed.subjects],
                deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                opt_start_seq=start + 1,
            ),
        )
        self._subs.append(sub)

    async def next(self, timeout: float) -> Change | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                key, msg = await asyncio.wait_for(self._queue.get(), remaining)
            except TimeoutError:
                return None
            change = self._change(key, msg)
            if change is not None:
                return change

    def _change(self, key: str, msg: Msg) -> Change | None:
        self.position[key] = int(msg.metadata.sequence.stream)
        try:
            data = json.loads(msg.data)
        except ValueError:
            log.warning("event_not_json", subject=msg.subject)
            return None
        if not isinstance(data, dict):
            return None
        order_id = _uuid(data.get("order_id"))
        if self.order_id is not None and order_id != self.order_id:
            return None
        return Change(
            id=Position(self.position).encode(),
            type=self.names.logical(msg.subject),
            order_id=order_id,
            data=data,
        )

    async def close(self) -> None:
        subs, self._subs = self._subs, []
        for sub in subs:
            try:
                await sub.unsubscribe()
            except Exception as exc:  # the connection may be gone already
                log.debug("feed_unsubscribe_failed", error=type(exc).__name__)


async def position_now(js: JetStreamContext, names: BusNames) -> Position:
    """Where every stream ends now: a page drawn after this call passes it on as ``since``,
    so its feed replays whatever changed between the drawing and the subscribing."""
    infos = await asyncio.gather(*(js.stream_info(names.stream(feed.stream)) for feed in FEEDS))
    return Position(
        {feed.key: int(info.state.last_seq) for feed, info in zip(FEEDS, infos, strict=True)}
    )


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value is not None else None
    except ValueError:
        return None


# -- server-sent events -------------------------------------------------------------------------

RETRY_MS = 3000


def sse(*, event: str | None = None, data: str = "", id: str | None = None) -> bytes:
    lines = []
    if id is not None:
        lines.append(f"id: {id}")
    if event is not None:
        lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in (data.splitlines() or [""]))
    return ("\n".join(lines) + "\n\n").encode()


def as_published(change: Change) -> bytes:
    """A change as its own event: ``event:`` its type, ``data:`` the event as published."""
    data = json.dumps(change.data, ensure_ascii=False, separators=(",", ":"))
    return sse(event=change.type, id=change.id, data=data)


async def sse_body(
    feed: ChangeFeed,
    *,
    heartbeat: float,
    frame: Callable[[Change], bytes | None] = as_published,
) -> AsyncIterator[bytes]:
    """The feed as a text/event-stream body: a ``ready`` event carrying the starting
    position (so a client reconnecting before any change still resumes from here), then
    each change as ``frame`` writes it (None: not sent), and a comment line whenever
    ``heartbeat`` seconds pass idle."""
    async with feed:
        yield f"retry: {RETRY_MS}\n".encode()
        yield sse(event="ready", id=feed.start, data=json.dumps({"position": feed.start}))
        while True:
            change = await feed.next(heartbeat)
            if change is None:
                yield b": keep-alive\n\n"
                continue
            framed = frame(change)
            if framed is not None:
                yield framed

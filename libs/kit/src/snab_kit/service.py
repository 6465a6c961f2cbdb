"""A service = its settings, its schema, its handlers. This module runs one.

``Service`` wires the FastStream NATS broker (Prometheus middleware, explicit acks),
the outbox relay, durable JetStream consumers with inbox dedupe and DLQ, RPC responders,
background tasks, and an ASGI app with ``/health`` and ``/metrics``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import uvicorn
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.nats import NatsBroker
from faststream.nats.annotations import NatsMessage
from faststream.nats.prometheus import NatsPrometheusMiddleware
from nats.js import JetStreamContext
from prometheus_client import make_asgi_app
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from snab_contracts.base import Contract, Event, RpcRequest
from snab_kit import metrics
from snab_kit.access import ACCESS, inbox_prefix
from snab_kit.aio import stopping
from snab_kit.bus import BusNames
from snab_kit.consume import BatchHandler, ConsumerSpec, EventConsumer, Handler, Tx
from snab_kit.db import make_engine, make_sessionmaker
from snab_kit.errors import DomainError
from snab_kit.logging import configure_logging, get_logger
from snab_kit.messaging import MessagingTables
from snab_kit.outbox import OutboxRelay, add_events
from snab_kit.rpc import (
    RpcClient,
    RpcFailure,
    error_reply,
    failure_for,
    ok_reply,
    read_request,
)
from snab_kit.settings import ServiceSettings

log = get_logger(__name__)

E = TypeVar("E", bound=Event)
RQ = TypeVar("RQ", bound=RpcRequest[Any])


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A check's answer when "ok" (None) or a failure (a string: 503) says too little.

    ``state`` is shown in /health as it is ("disabled", "connecting", "failing: timeout").
    ``failing`` sets ``snab_health_check_ok`` to 0 (alerts) but keeps /health at 200
    ("degraded"): for a remote server the service can work without for a while.
    ``ready=False`` answers 503 without counting as a failure: still starting.
    """

    state: str
    failing: bool = False
    ready: bool = True


Check = Callable[[], Awaitable[str | CheckResult | None]]
"""A health check returns None when fine, a short description of what is wrong (503), or
a CheckResult."""


class Service:
    def __init__(
        self,
        *,
        name: str,
        settings: ServiceSettings,
        metadata: MetaData | None = None,
        tables: MessagingTables | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self.names = BusNames(settings.bus_namespace)
        self.metadata = metadata
        self.tables = tables or (MessagingTables(metadata) if metadata is not None else None)
        self.broker = NatsBroker(
            settings.nats_servers,
            middlewares=[NatsPrometheusMiddleware(registry=metrics.registry, app_name=name)],
            # FastStream reports through a stdlib logger of ours (WARNING and above reach
            # stderr): handler errors stay visible, per-message chatter does not.
            logger=logging.getLogger(f"snab.{name}.broker"),
            log_level=logging.DEBUG,
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            # Replies to this service come to its own inbox: its NATS user may read
            # nothing else (snab_kit.access).
            inbox_prefix=inbox_prefix(name) if name in ACCESS else "_INBOX",
        )
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self.relay: OutboxRelay | None = None
        self._consumers: list[ConsumerSpec[Any]] = []
        self._pull_consumers: list[_LazyConsumer] = []
        self._background: list[Callable[[], Awaitable[None]]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._checks: dict[str, Check] = {}
        self._startup: list[Callable[[], Awaitable[None]]] = []
        self._shutdown: list[Callable[[], Awaitable[None]]] = []
        self.started = asyncio.Event()

    # -- resources -------------------------------------------------------------------

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        if self._sessions is None:
            self._sessions = make_sessionmaker(self.engine)
        return self._sessions

    @property
    def js(self) -> JetStreamContext:
        return self.broker.connection.jetstream()

    @property
    def rpc_client(self) -> RpcClient:
        return RpcClient(self.broker.connection, self.names)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A unit of work: commit the session and the events it emitted together."""
        if self.tables is None:
            raise RuntimeError(f"{self.name} has no schema: no transactions")
        async with self.sessions() as session, session.begin():
            tx = Tx(session, self.tables)
            yield tx
        tx.committed()
        if tx.emitted and self.relay is not None:
            self.relay.wake()

    # -- registration ----------------------------------------------------------------

    def on(
        self,
        event: type[E],
        *,
        name: str | None = None,
        workers: int | None = None,
        batch: int = 0,
        batch_handler: BatchHandler[E] | None = None,
        max_deliver: int | None = None,
        ack_wait: float | None = None,
    ) -> Callable[[Handler[E]], Handler[E]]:
        """Handle ``event`` with a durable consumer and exactly-once effect.

        ``batch=N`` handles up to N messages per transaction; only for handlers whose
        effects are all in the database (see ``ConsumerSpec.batch``). ``batch_handler``
        then takes the whole list of new events at once (set-based work).
        """

        def register(handler: Handler[E]) -> Handler[E]:
            if self.tables is None:
                raise RuntimeError("event handlers need the service's schema (inbox)")
            spec = ConsumerSpec(
                event=event,
                handler=handler,
                name=name or self.names.durable(self.name, event.SUBJECT),
                workers=workers or self.settings.consumer_workers,
                batch=batch,
                batch_handler=batch_handler,
                max_deliver=max_deliver or self.settings.max_deliver,
                backoff=tuple(self.settings.retry_backoff_seconds),
                ack_wait=ack_wait or self.settings.ack_wait_seconds,
            )
            self._consumers.append(spec)
            self._subscribe(spec)
            return handler

        return register

    def _subscribe(self, spec: ConsumerSpec[E]) -> None:
        # JetStream consumers run our own pull loop (started with the service) rather than
        # FastStream's: it treats an idle fetch timeout as normal and never drops fetched
        # messages, and acks stay entirely in EventConsumer's hands.
        self._pull_consumers.append(_LazyConsumer(self, spec))

    def rpc(
        self, request: type[RQ]
    ) -> Callable[[Callable[[RQ], Awaitable[Contract | None]]], Callable[[RQ], Awaitable[Any]]]:
        """Answer ``request.SUBJECT`` with the handler's result (or its typed failure).

        The handler returns the request's declared result; a ``DomainError`` it raises
        travels as its rpc failure code (``snab_kit.rpc.failure_for``), anything else as
        ``internal`` with the traceback in the log only."""
        subject_name = request.SUBJECT

        def register(
            handler: Callable[[RQ], Awaitable[Contract | None]],
        ) -> Callable[[RQ], Awaitable[Any]]:
            subject = self.names.subject(subject_name)

            @self.broker.subscriber(
                subject,
                queue=f"{self.name}-rpc",
                max_workers=self.settings.rpc_workers,
                title=f"rpc:{subject_name}",
                # The body stays bytes: read_request checks it before anything decodes it
                # (FastStream's own JSON decoding dies silently on deep nesting).
                decoder=_raw_body,
            )
            async def _on_request(body: Any, message: NatsMessage) -> bytes:
                started = time.perf_counter()
                outcome = "ok"
                try:
                    req = read_request(
                        request,
                        message.raw_message.data,
                        max_bytes=self.settings.rpc_max_request_bytes,
                    )
                    try:
                        return ok_reply(await handler(req))
                    except DomainError as exc:
                        raise failure_for(exc) from exc
                except RpcFailure as failure:
                    outcome = failure.code
                    return error_reply(failure)
                except Exception as exc:
                    outcome = "internal"
                    log.exception("rpc_failed", subject=subject_name)
                    return error_reply(RpcFailure(f"internal error: {type(exc).__name__}"))
                finally:
                    metrics.RPC_HANDLED.labels(self.name, subject_name, outcome).inc()
                    metrics.RPC_SECONDS.labels(self.name, subject_name).observe(
                        time.perf_counter() - started
                    )

            return handler

        return register

    def background(self, fn: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        """Run ``fn`` for the life of the service (restarted with backoff if it fails)."""
        self._background.append(fn)
        return fn

    def check(self, name: str) -> Callable[[Check], Check]:
        def register(fn: Check) -> Check:
            self._checks[name] = fn
            return fn

        return register

    def on_startup(self, fn: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        self._startup.append(fn)
        return fn

    def on_shutdown(self, fn: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        self._shutdown.append(fn)
        return fn

    async def publish(self, *events: Event) -> None:
        """Publish outside a transaction (events that follow no DB change)."""
        for event in events:
            await self.js.publish(
                self.names.subject(event.subject),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(event.id)},
            )

    async def emit(self, *events: Event) -> None:
        """Write events to the outbox in a transaction of their own."""
        async with self.transaction() as tx:
            await tx.emit(*events)

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Start without an HTTP server (tests, or embedding in another ASGI app)."""
        await self.broker.start()
        await self._start()

    async def stop(self) -> None:
        await self._stop()
        await self.broker.stop()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Service]:
        await self.start()
        try:
            yield self
        finally:
            await self.stop()

    async def _start(self) -> None:
        # The broker has sent its rpc SUBs; a PING/PONG round trip makes sure the server
        # has them before anyone is told we are ready (else: "no responders").
        await self.broker.connection.flush(timeout=10)
        for fn in self._startup:
            await fn()
        if self.tables is not None:
            self.relay = OutboxRelay(
                service=self.name,
                engine=self.engine,
                tables=self.tables,
                js=self.js,
                names=self.names,
                batch_size=self.settings.outbox_batch_size,
                poll_seconds=self.settings.outbox_poll_seconds,
                inbox_retention_days=self.settings.inbox_retention_days,
            )
            self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        for lazy in self._pull_consumers:
            self._tasks.append(
                asyncio.create_task(_forever(lazy.pull), name=f"consume:{lazy.spec.event.SUBJECT}")
            )
        for fn in self._background:
            self._tasks.append(asyncio.create_task(_forever(fn), name=fn.__name__))
        if self._pull_consumers:
            self._tasks.append(asyncio.create_task(_forever(self._watch_dlq), name="dlq-watch"))
        self.started.set()
        log.info("service_started", consumers=[c.event.SUBJECT for c in self._consumers])

    async def _stop(self) -> None:
        self.started.clear()
        for task in self._tasks:
            task.cancel()
        # A task that swallowed its cancellation must not hang the shutdown.
        _, stuck = await asyncio.wait(self._tasks, timeout=10.0) if self._tasks else (set(), set())
        for task in stuck:
            log.warning("task_did_not_stop", task=task.get_name())
        self._tasks.clear()
        for fn in self._shutdown:
            await fn()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
            self._sessions = None
        log.info("service_stopped")

    async def _watch_dlq(self) -> None:
        """Export how many dead letters wait for each subject this service consumes."""
        stream = self.names.stream("DLQ")
        while True:
            info = await self.js.stream_info(stream, subjects_filter=self.names.subject("dlq.>"))
            waiting = info.state.subjects or {}
            for lazy in self._pull_consumers:
                subject = lazy.spec.event.SUBJECT
                count = waiting.get(self.names.subject(f"dlq.{subject}"), 0)
                metrics.DLQ_SIZE.labels(self.name, subject).set(count)
            if stopping():  # a cancellation swallowed by wait_for inside nats-py
                raise asyncio.CancelledError
            await asyncio.sleep(self.settings.dlq_watch_seconds)

    async def health(self) -> tuple[bool, dict[str, str]]:
        """(ready, what each check says); not ready is a 503."""
        status, results = await self.health_status()
        return status in ("ok", "degraded"), results

    async def health_status(self) -> tuple[str, dict[str, str]]:
        """("ok" | "degraded" | "starting" | "fail", what each check says)."""
        checks: dict[str, Check] = {"nats": self._check_nats}
        if self.tables is not None:
            checks["database"] = self._check_database
        checks.update(self._checks)
        results: dict[str, str] = {}
        found: list[CheckResult] = []
        if not self.started.is_set():
            # Serving HTTP already, but startup hooks, consumers or subscriptions are not
            # all in place yet: not ready.
            results["service"] = "starting"
            found.append(CheckResult("starting", ready=False))
        for name, fn in checks.items():
            try:
                answer = await asyncio.wait_for(fn(), 5.0)
            except Exception as exc:
                # The error text may be a remote server's: it goes to the log, not to
                # whoever reads /health.
                log.warning("health_check_failed", check=name, error=f"{type(exc).__name__}: {exc}")
                answer = "failing: timeout" if isinstance(exc, TimeoutError) else "failing: error"
            if answer is None:
                answer = CheckResult("ok")
            elif isinstance(answer, str):
                answer = CheckResult(answer, failing=True, ready=False)
            results[name] = answer.state
            found.append(answer)
            metrics.HEALTH.labels(self.name, name).set(0 if answer.failing else 1)
        if any(r.failing and not r.ready for r in found):
            return "fail", results
        if not all(r.ready for r in found):
            return "starting", results
        return ("degraded" if any(r.failing for r in found) else "ok"), results

    async def _check_nats(self) -> str | None:
        try:
            connected = self.broker.connection.is_connected
        except Exception:
            connected = False
        return None if connected else "not connected"

    async def _check_database(self) -> str | None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return None

    def asgi(self) -> AsgiFastStream:
        @get(include_in_schema=False)
        async def health(scope: Any) -> AsgiResponse:
            status, checks = await self.health_status()
            body = {"status": status, "service": self.name, "checks": checks}
            return AsgiResponse(
                json.dumps(body).encode(),
                200 if status in ("ok", "degraded") else 503,
                headers={"content-type": "application/json"},
            )

        return AsgiFastStream(
            self.broker,
            asgi_routes=[("/health", health), ("/metrics", make_asgi_app(metrics.registry))],
            logger=None,
            after_startup=[self._start],
            on_shutdown=[self._stop],
            # The AsyncAPI page lists every subject and schema: for developers only.
            asyncapi_path="/docs/asyncapi" if self.settings.debug else None,
        )

    def run(self) -> None:
        """Entry point of ``python -m snab_<service>``."""
        configure_logging(
            service=self.name, level=self.settings.log_level, fmt=self.settings.log_format
        )
        uvicorn.run(
            self.asgi(),
            host=self.settings.http_host,
            port=self.settings.http_port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )


class _LazyConsumer:
    """Binds an EventConsumer to the broker's connection once it exists."""

    def __init__(self, service: Service, spec: ConsumerSpec[Any]) -> None:
        self.service = service
        self.spec = spec
        self._consumer: EventConsumer[Any] | None = None

    async def pull(self) -> None:
        service = self.service
        await self._get().pull(stream=service.names.stream_for(self.spec.event.SUBJECT))

    def _get(self) -> EventConsumer[Any]:
        if self._consumer is None:
            service = self.service
            assert service.tables is not None
            relay = service.relay
            relay_wake = (lambda _tx: relay.wake()) if relay is not None else None
            self._consumer = EventConsumer(
                service=service.name,
                spec=self.spec,
                sessions=service.sessions,
                tables=service.tables,
                js=service.js,
                names=service.names,
                on_commit=relay_wake,
            )
        return self._consumer


async def _raw_body(message: Any) -> bytes:
    return bytes(message.body)


async def _forever(fn: Callable[[], Awaitable[None]]) -> None:
    backoff = 1.0
    while True:
        try:
            await fn()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if stopping():
                raise asyncio.CancelledError from exc
            log.exception(
                "background_task_failed", task=fn.__name__, retry_in=backoff, error=str(exc)
            )
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 60.0)


__all__ = ["CheckResult", "Service", "Tx", "add_events"]

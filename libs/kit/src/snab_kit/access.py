"""Who may say what on the bus: one NATS user per service, limited to its own subjects.

The table below is the whole communication map of the system: the events each service
consumes and publishes, the rpc areas it answers and calls. From it come the NATS
permissions of each service's user (``snab-bus users`` writes them into the server's
configuration), so a compromised or buggy service cannot answer another's rpc, forge
another's events, or read another's replies.

JetStream needs a few API subjects on top: creating and reading its own durable consumers,
fetching from them and acknowledging (``$JS.API.CONSUMER.*.<stream>.<durable>``,
``$JS.ACK.<stream>.<durable>.>``), its dead letters, and the size of the DLQ stream. Every
service gets its own reply inbox prefix (``_INBOX_<service>``), so no service can read the
answers meant for another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from snab_kit.bus import BusNames


@dataclass(frozen=True, slots=True)
class Access:
    consumes: tuple[str, ...] = ()
    """Event subjects read by a durable consumer of this service."""
    publishes: tuple[str, ...] = ()
    """Event subjects written (through the outbox)."""
    serves: tuple[str, ...] = ()
    """rpc subjects answered (patterns such as ``rpc.orders.>``)."""
    calls: tuple[str, ...] = ()
    """rpc subjects asked."""
    buckets: tuple[str, ...] = ()
    """NATS KV buckets used (read and written)."""
    watches: tuple[str, ...] = ()
    """Streams read by short-lived consumers (a live feed), never acknowledged."""
    admin: bool = False
    """Everything (creates streams, replays dead letters): operators' tools only."""


_DESK_RPC = (
    "rpc.orders.>",
    "rpc.suppliers.>",
    "rpc.clients.>",
    "rpc.categories.>",
    "rpc.analytics.>",
    "rpc.documents.>",
    "rpc.mail.>",
)

ACCESS: dict[str, Access] = {
    "mail": Access(
        consumes=("mail.send",),
        publishes=("mail.received", "mail.sent", "mail.failed"),
        serves=("rpc.mail.>",),
        buckets=("leases",),
    ),
    "parser": Access(
        consumes=("mail.received",),
        publishes=("order.parsed", "quote.parsed", "mail.classified"),
    ),
    "orders": Access(
        consumes=(
            "order.parsed",
            "quote.parsed",
            "mail.classified",
            "mail.sent",
            "mail.failed",
            "document.generated",
            "document.failed",
        ),
        publishes=(
            "order.created",
            "order.updated",
            "quote.received",
            "request.reminder",
            "request.timeout",
            "request.escalation",
            "request.failed",
            "document.requested",
            "mail.send",
            "mail.classified",
        ),
        serves=(
            "rpc.orders.>",
            "rpc.suppliers.>",
            "rpc.clients.>",
            "rpc.categories.>",
            "rpc.analytics.>",
        ),
    ),
    "documents": Access(
        consumes=("document.requested",),
        publishes=("document.generated", "document.failed"),
        serves=("rpc.documents.>",),
    ),
    "notifier": Access(
        consumes=(
            "order.created",
            "order.updated",
            "quote.received",
            "request.reminder",
            "request.timeout",
            "request.failed",
            "request.escalation",
            "document.generated",
            "document.failed",
            "mail.failed",
            "mail.classified",
        ),
        calls=_DESK_RPC,
    ),
    "gateway": Access(
        calls=_DESK_RPC,
        watches=("ORDERS", "QUOTES", "REQUESTS", "DOCUMENTS", "MAIL"),
    ),
    # The `snab` command: the desk from a terminal (what a manager may do, nothing more).
    "desk": Access(calls=_DESK_RPC),
    # snab-bus migrate | dlq, `snab ingest` (publishes mail.received): operators.
    "admin": Access(admin=True),
}


def inbox_prefix(service: str) -> str:
    """The reply inbox prefix of a service's connection: its replies are its own."""
    return f"_INBOX_{service}"


@dataclass(frozen=True, slots=True)
class Permissions:
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    allow_responses: bool = field(default=False)


def permissions(service: str, names: BusNames | None = None) -> Permissions | None:
    """The NATS permissions of ``service``'s user; None for an unrestricted user."""
    names = names or BusNames()
    access = ACCESS[service]
    if access.admin:
        return None
    publish: list[str] = []
    subscribe: list[str] = [f"{inbox_prefix(service)}.>"]
    for subject in access.publishes:
        publish.append(names.subject(subject))
    for subject in access.consumes:
        stream = names.stream_for(subject)
        durable = names.durable(service, subject)
        publish.extend(
            [
                names.subject(f"dlq.{subject}"),  # its own dead letters
                f"$JS.API.CONSUMER.CREATE.{stream}.{durable}",
                f"$JS.API.CONSUMER.CREATE.{stream}.{durable}.>",
                f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{durable}",
                f"$JS.API.CONSUMER.INFO.{stream}.{durable}",
                f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}",
                f"$JS.ACK.{stream}.{durable}.>",
            ]
        )
    if access.consumes:
        publish.append(f"$JS.API.STREAM.INFO.{names.stream('DLQ')}")
    for pattern in access.serves:
        subscribe.append(names.subject(pattern))
    for pattern in access.calls:
        publish.append(names.subject(pattern))
    for bucket in access.buckets:
        kv = names.bucket(bucket)
        publish.extend(
            [
                f"$KV.{kv}.>",
                f"$JS.API.STREAM.INFO.KV_{kv}",
                f"$JS.API.STREAM.MSG.GET.KV_{kv}",
                f"$JS.API.DIRECT.GET.KV_{kv}",
                f"$JS.API.DIRECT.GET.KV_{kv}.>",
            ]
        )
    for name in access.watches:
        stream = names.stream(name)
        publish.extend(
            [
                f"$JS.API.STREAM.INFO.{stream}",
                f"$JS.API.CONSUMER.CREATE.{stream}",
                f"$JS.API.CONSUMER.CREATE.{stream}.>",
                f"$JS.API.CONSUMER.INFO.{stream}.>",
                f"$JS.API.CONSUMER.DELETE.{stream}.>",
                f"$JS.FC.{stream}.>",
            ]
        )
    return Permissions(
        publish=tuple(dict.fromkeys(publish)),
        subscribe=tuple(dict.fromkeys(subscribe)),
        allow_responses=bool(access.serves),
    )


def password_variable(service: str) -> str:
    """The environment variable holding a service user's NATS password."""
    return f"NATS_{service.upper()}_PASSWORD"


def users_conf(names: BusNames | None = None, services: Iterable[str] | None = None) -> str:
    """The ``authorization { users = [...] }`` block of nats-server's configuration, with
    each password read from the server's environment (``$NATS_ORDERS_PASSWORD``, ...)."""
    lines = [
        "# One NATS user per snab service, limited to its own subjects.",
        "# Generated from libs/kit/src/snab_kit/access.py by `snab-bus users`: do not edit.",
        "# Each password comes from the server's environment ($NATS_<SERVICE>_PASSWORD).",
        "authorization {",
        "  users = [",
    ]
    for service in services or ACCESS:
        allowed = permissions(service, names)
        lines.append("    {")
        lines.append(f"      user: {service}")
        lines.append(f"      password: ${password_variable(service)}")
        if allowed is not None:
            lines.append("      permissions: {")
            lines.append(f"        publish: {{ allow: {_list(allowed.publish, 10)} }}")
            lines.append(f"        subscribe: {{ allow: {_list(allowed.subscribe, 10)} }}")
            if allowed.allow_responses:
                lines.append("        allow_responses: true")
            lines.append("      }")
        lines.append("    }")
    lines.extend(["  ]", "}", ""])
    return "\n".join(lines)


def _list(subjects: Iterable[str], indent: int) -> str:
    pad = " " * indent
    inner = "".join(f'\n{pad}  "{s}"' for s in subjects)
    return f"[{inner}\n{pad}]"

"""Prometheus metrics every service exposes on ``/metrics``."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

registry: CollectorRegistry = REGISTRY

HANDLED = Counter(
    "snab_messages_handled_total",
    "Bus messages handled, by outcome (ok, duplicate, retry, dlq).",
    ["service", "subject", "outcome"],
)
HANDLER_SECONDS = Histogram(
    "snab_handler_seconds",
    "Time spent in a bus handler including its transaction.",
    ["service", "subject"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DLQ = Counter(
    "snab_dlq_messages_total",
    "Messages moved to the dead-letter queue after their last delivery failed.",
    ["service", "subject"],
)
DLQ_SIZE = Gauge(
    "snab_dlq_size",
    "Messages waiting in the dead-letter stream, by the subject they failed on.",
    ["service", "subject"],
)
OUTBOX_PUBLISHED = Counter(
    "snab_outbox_published_total", "Outbox rows published to JetStream.", ["service"]
)
OUTBOX_ERRORS = Counter("snab_outbox_errors_total", "Failed outbox relay rounds.", ["service"])
OUTBOX_LAG = Gauge(
    "snab_outbox_lag_seconds", "Age of the oldest unpublished outbox row.", ["service"]
)
RPC_HANDLED = Counter(
    "snab_rpc_handled_total",
    "RPC requests answered, by outcome.",
    ["service", "subject", "outcome"],
)
RPC_SECONDS = Histogram(
    "snab_rpc_seconds",
    "Time to answer an RPC request.",
    ["service", "subject"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
HEALTH = Gauge("snab_health_check_ok", "1 when a health check passes.", ["service", "check"])

"""Prometheus metrics of the mail-gateway (served on /metrics with the kit's)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from snab_kit.metrics import registry
from snab_mail.domain.breaker import BreakerState, CircuitBreaker

RECEIVED = Counter(
    "snab_mail_received_total",
    "Inbound messages taken in, by source and outcome (new, duplicate, unparseable).",
    ["source", "outcome"],
    registry=registry,
)
PARSE_SECONDS = Histogram(
    "snab_mail_parse_cpu_seconds",
    "CPU time spent parsing one inbound message.",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2),
    registry=registry,
)
SENT = Counter(
    "snab_mail_send_attempts_total",
    "SMTP (or local outbox) send attempts, by outcome (sent, retry, failed, unknown).",
    ["outcome"],
    registry=registry,
)
SEND_SECONDS = Histogram(
    "snab_mail_send_seconds",
    "Time of one send attempt.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=registry,
)
CIRCUIT = Gauge(
    "snab_mail_circuit_state",
    "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
    ["breaker"],
    registry=registry,
)
IMAP_LEADER = Gauge(
    "snab_mail_imap_leader",
    "1 while this replica holds the mailbox lease and reads the mailbox.",
    ["mailbox"],
    registry=registry,
)
IMAP_SYNC_LAG = Gauge(
    "snab_mail_imap_sync_lag_seconds",
    "Seconds since the mailbox was last read to the end (while this replica is leader).",
    ["mailbox"],
    registry=registry,
)

_STATE_VALUE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


def track_breaker(breaker: CircuitBreaker) -> None:
    """Export the breaker's state, read at every scrape (half-open comes with time)."""
    CIRCUIT.labels(breaker.name).set_function(lambda: _STATE_VALUE[breaker.state])

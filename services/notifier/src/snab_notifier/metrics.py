"""Prometheus metrics of the notifier (served on /metrics with the kit's)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from snab_kit.metrics import registry

QUEUED = Counter(
    "snab_notifier_queued_total",
    "Notifications queued (one per event and chat), by kind.",
    ["kind"],
    registry=registry,
)
DELIVERED = Counter(
    "snab_notifier_delivered_total",
    "Notification outcomes by kind: sent, edited, folded (into a digest), retry, failed.",
    ["kind", "outcome"],
    registry=registry,
)
DELAY = Histogram(
    "snab_notifier_delay_seconds",
    "From queueing a notification to the chat showing it.",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800),
    registry=registry,
)
BACKLOG = Gauge(
    "snab_notifier_backlog",
    "Notifications waiting to be sent.",
    registry=registry,
)

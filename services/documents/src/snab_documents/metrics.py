"""Metrics of the documents service (served on /metrics with the kit's)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from snab_kit import metrics

RENDER_SECONDS = Histogram(
    "snab_document_render_seconds",
    "Time to render one document in a worker (template, layout, PDF).",
    ["kind"],
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30),
    registry=metrics.registry,
)
DOCUMENTS = Counter(
    "snab_documents_total",
    "Document requests answered, by outcome (generated, or the failure kind).",
    ["kind", "outcome"],
    registry=metrics.registry,
)
RENDER_WORKERS = Gauge(
    "snab_document_render_workers",
    "Render worker processes alive.",
    registry=metrics.registry,
)

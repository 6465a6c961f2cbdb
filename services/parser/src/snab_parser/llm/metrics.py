"""Prometheus metrics of the LLM extractor, on the registry the kit serves on /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from snab_kit import metrics

LLM_CALLS = Counter(
    "snab_llm_calls_total",
    "Requests to the LLM, by outcome (ok, refusal, truncated, invalid, rate_limited, "
    "server_error, timeout, connection_error, client_error).",
    ["outcome"],
    registry=metrics.registry,
)
LLM_TOKENS = Counter(
    "snab_llm_tokens_total",
    "Tokens the LLM reported, by kind (prompt, completion).",
    ["kind"],
    registry=metrics.registry,
)
LLM_LATENCY = Histogram(
    "snab_llm_latency_seconds",
    "Time of one request to the LLM, failed ones included.",
    buckets=(0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60),
    registry=metrics.registry,
)
FALLBACKS = Counter(
    "snab_parser_fallbacks_total",
    "Messages read by the rule extractor because the LLM could not be used, by reason.",
    ["reason"],
    registry=metrics.registry,
)
BREAKER_OPEN = Gauge(
    "snab_llm_breaker_open",
    "1 while the circuit breaker skips the LLM after repeated failures.",
    registry=metrics.registry,
)

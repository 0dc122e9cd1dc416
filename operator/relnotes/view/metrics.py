"""Prometheus metrics of the view (names fixed in CONTRACTS.md), in a registry the app owns."""

import time
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["ViewMetrics"]


@dataclass
class ViewMetrics:
    """Requests by route and status, latency by route, page-cache hits (and those from Redis),
    store errors."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "relnotes_view_requests",
            "Requests answered, by route template and HTTP status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "relnotes_view_request_seconds",
            "Time to answer a request, by route template.",
            ["route"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )
        self.cache_hits = Counter(
            "relnotes_view_cache_hits",
            "Pages answered from the page cache.",
            registry=self.registry,
        )
        self.shared_cache_hits = Counter(
            "relnotes_view_redis_cache_hits",
            "Pages answered from Redis, the cache the replicas share (also in cache_hits).",
            registry=self.registry,
        )
        self.store_errors = Counter(
            "relnotes_view_store_errors",
            "Requests that could not reach Postgres.",
            registry=self.registry,
        )
        self._children: dict[tuple[str, int], tuple[Counter, Histogram]] = {}

    def observe(self, route: str, status: int, started: float) -> None:
        """Count one answer and its latency (``started`` from ``time.perf_counter``)."""
        children = self._children.get((route, status))
        if children is None:
            children = (self.requests.labels(route, str(status)), self.latency.labels(route))
            self._children[(route, status)] = children
        children[0].inc()
        children[1].observe(time.perf_counter() - started)

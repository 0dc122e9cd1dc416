"""The operator's Prometheus metrics (names fixed in CONTRACTS.md; alerts are built on them).

One registry per ``OperatorContext``, not the module's global one: tests and several operators
in one process stay independent. ``OperatorMetrics`` is also the ``GenerationEvents`` the
generator reports model calls and coalesced waits to, and the Redis cache's error hook.
"""

import contextlib
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["OperatorMetrics"]

_SECONDS = (0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


@dataclass
class OperatorMetrics:
    """Reconciles, generation time, model calls, cache hits, waits and store errors."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.reconciles = Counter(
            "relnotes_operator_reconciles",
            "Reconcile attempts by outcome (ready, cache_hit, retrying, failed).",
            ["outcome"],
            registry=r,
        )
        self.generation_seconds = Histogram(
            "relnotes_operator_generation_seconds",
            "Time from the start of an attempt to a recorded note.",
            buckets=_SECONDS,
            registry=r,
        )
        self.model_calls = Counter(
            "relnotes_operator_model_calls",
            "Model calls by outcome: ok, the error's code, or circuit_open (refused by the"
            " circuit breaker, not sent).",
            ["outcome"],
            registry=r,
        )
        self.cache_hits = Counter(
            "relnotes_operator_cache_hits", "Notes found in the cache (no model call).", registry=r
        )
        self.coalesced = Counter(
            "relnotes_operator_coalesced_waits",
            "Generations that waited for another caller's identical one.",
            registry=r,
        )
        self.lock_wait = Histogram(
            "relnotes_operator_lock_wait_seconds",
            "Time spent waiting for another caller's generation of the same input.",
            buckets=_SECONDS,
            registry=r,
        )
        self.store_errors = Counter(
            "relnotes_operator_store_errors",
            "Failures to reach a dependency, by store (postgres, redis, model).",
            ["store"],
            registry=r,
        )
        self.note_ready = Gauge(
            "relnotes_note_ready",
            "1 when the ReleaseNote's current generation is Ready, else 0.",
            ["namespace", "name"],
            registry=r,
        )

    # GenerationEvents (services.generation) and the Redis cache's error hook:
    def model_call(self, outcome: str) -> None:
        self.model_calls.labels(outcome).inc()

    def coalesced_wait(self, seconds: float) -> None:
        self.coalesced.inc()
        self.lock_wait.observe(seconds)

    def redis_error(self) -> None:
        self.store_errors.labels("redis").inc()

    def note(self, namespace: str, name: str, ready: bool | None) -> None:
        """Set a note's readiness; ``None`` removes it (the resource is gone)."""
        if ready is None:
            with contextlib.suppress(KeyError):  # never reported by this replica
                self.note_ready.remove(namespace, name)
            return
        self.note_ready.labels(namespace, name).set(1 if ready else 0)

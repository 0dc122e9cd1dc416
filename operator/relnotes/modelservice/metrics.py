"""Prometheus metrics for the model-service, in a registry owned by the app (not the module).

A registry per app keeps tests and several apps in one process independent. ``answered`` looks
each label set's children up once: prometheus_client's ``labels()`` takes a lock and checks its
arguments on every call, a quarter of the gateway's own work per request.
"""

from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["ServiceMetrics"]


@dataclass
class ServiceMetrics:
    """Requests, latency, tokens and errors, labelled by engine."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "relnotes_model_requests",
            "Chat-completion requests answered, by engine and HTTP status.",
            ["engine", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "relnotes_model_request_seconds",
            "Time to answer a chat-completion request, by engine.",
            ["engine"],
            buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=self.registry,
        )
        self.tokens = Counter(
            "relnotes_model_tokens",
            "Tokens used, by engine and kind (prompt or completion).",
            ["engine", "kind"],
            registry=self.registry,
        )
        self._answered: dict[tuple[str, int], tuple[Any, Any, Any, Any]] = {}
        self.errors = Counter(
            "relnotes_model_errors",
            "Requests that failed, by engine and error code.",
            ["engine", "code"],
            registry=self.registry,
        )

    def answered(
        self, engine: str, status: int, seconds: float, prompt: int = 0, completion: int = 0
    ) -> None:
        """One answered request: counted by status; timed and its tokens added when a 200."""
        children = self._answered.get((engine, status))
        if children is None:
            children = self._answered[(engine, status)] = (
                self.requests.labels(engine, str(status)),
                self.latency.labels(engine),
                self.tokens.labels(engine, "prompt"),
                self.tokens.labels(engine, "completion"),
            )
        requests, latency, prompt_tokens, completion_tokens = children
        requests.inc()
        if status == 200:
            latency.observe(seconds)
            prompt_tokens.inc(prompt)
            completion_tokens.inc(completion)

"""What a ReleaseNote's status says after each attempt: pure functions from outcome to patch.

Status stays small (the note, scenario titles and provenance); the full rendering lives in
Postgres behind ``viewUrl``. ``observedGeneration`` is the generation this status was written
for, so ``Ready=True`` with ``observedGeneration == metadata.generation`` means "done" to ArgoCD.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from relnotes.controller.conditions import Condition, merge
from relnotes.services.generation import Generation

__all__ = [
    "REGENERATE_ANNOTATION",
    "Observed",
    "Phase",
    "Stage",
    "failure",
    "generating",
    "ready",
]

REGENERATE_ANNOTATION = "relnotes.io/regenerate"
MAX_TOKEN = 253

Stage = Literal["Accepted", "Generated", "Persisted"]
Phase = Literal["Generating", "Retrying", "Failed"]


@dataclass(frozen=True)
class Observed:
    """What the controller read from the object, as far as status is concerned."""

    generation: int
    conditions: list[Mapping[str, Any]]
    token: str | None
    view_url: str | None
    invalid_outputs: int = 0
    """Invalid replies so far for this generation and regenerate token (a new spec or token
    starts from zero: the count never carries over to input it was not about)."""

    @classmethod
    def from_body(cls, body: Mapping[str, Any], view_base_url: str | None) -> "Observed":
        """Read generation, conditions, the regenerate token and the view URL from ``body``."""
        meta = body.get("metadata", {})
        status = body.get("status") or {}
        token = (meta.get("annotations") or {}).get(REGENERATE_ANNOTATION)
        token = token[:MAX_TOKEN] if token else None
        generation = int(meta.get("generation") or 0)
        counted = status.get("observedGeneration") == generation and (
            status.get("invalidOutputsToken") == token
        )
        view_url = None
        if view_base_url:
            view_url = f"{view_base_url.rstrip('/')}/notes/{meta['namespace']}/{meta['name']}"
        return cls(
            generation=generation,
            conditions=list(status.get("conditions") or []),
            token=token,
            view_url=view_url,
            invalid_outputs=int(status.get("invalidOutputs") or 0) if counted else 0,
        )


def ready(observed: Observed, generation: Generation, *, now: datetime) -> dict[str, Any]:
    """The status of a note generated (or found in the cache) and recorded."""
    note, provenance = generation.note, generation.note.provenance
    how = "CacheHit" if generation.cache_hit else "Generated"
    conditions = [
        Condition("Accepted", "True", "SpecValid", "the spec is valid"),
        Condition("Generated", "True", how, f"drafted by {provenance.provider}/{provenance.model}"),
        Condition("Persisted", "True", "Recorded", "recorded in postgres"),
        Condition("Ready", "True", "NoteReady", "the release note is ready"),
    ]
    status: dict[str, Any] = {
        "phase": "Ready",
        "observedGeneration": observed.generation,
        "note": note.draft.release_note,
        "category": note.draft.category.value,
        "risk": note.draft.risk.value,
        "scenarios": [
            {"title": s.title, "expected": s.expected} for s in note.draft.test_scenarios
        ],
        "provider": provenance.provider,
        "model": provenance.model,
        "promptVersion": provenance.prompt_version,
        "cacheKey": generation.cache_key,
        "cacheHit": generation.cache_hit,
        "tokens": {
            "prompt": provenance.usage.prompt_tokens,
            "completion": provenance.usage.completion_tokens,
            "total": provenance.usage.total_tokens,
        },
        "latencyMs": provenance.latency_ms,
        "viewUrl": observed.view_url,
        "regenerateToken": observed.token,
        "invalidOutputs": None,
        "invalidOutputsToken": None,
    }
    status["conditions"] = merge(
        observed.conditions, conditions, generation=observed.generation, now=now
    )
    return status


def failure(
    observed: Observed,
    *,
    stage: Stage,
    phase: Phase,
    reason: str,
    message: str,
    now: datetime,
    invalid_outputs: int | None = None,
) -> dict[str, Any]:
    """The status of an attempt that failed at ``stage``; ``Ready`` is False with its reason.

    A failure at a later stage says the earlier ones passed (a store failure means the spec was
    accepted), so the conditions read like a pipeline: what passed, where it stopped, and why.
    """
    conditions = [
        Condition("Ready", "False", reason, message),
        Condition(stage, "False", reason, message),
    ]
    if stage != "Accepted":
        conditions.append(Condition("Accepted", "True", "SpecValid", "the spec is valid"))
    return {
        "phase": phase,
        "observedGeneration": observed.generation,
        "invalidOutputs": invalid_outputs,
        "invalidOutputsToken": observed.token if invalid_outputs else None,
        "conditions": merge(
            observed.conditions, conditions, generation=observed.generation, now=now
        ),
    }


def generating(observed: Observed, *, reason: str, message: str, now: datetime) -> dict[str, Any]:
    """The status of a generation still under way, waiting on ``reason`` (a lock, a model)."""
    conditions = [
        Condition("Accepted", "True", "SpecValid", "the spec is valid"),
        Condition("Generated", "Unknown", reason, message),
        Condition("Ready", "False", reason, message),
    ]
    return {
        "phase": "Generating",
        "observedGeneration": observed.generation,
        "conditions": merge(
            observed.conditions, conditions, generation=observed.generation, now=now
        ),
    }

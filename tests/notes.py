"""A small, valid generated note for tests that store or report one (not engine output)."""

from relnotes.models.result import (
    Category,
    GeneratedNote,
    NoteDraft,
    Provenance,
    Risk,
    Scenario,
    TokenUsage,
)

__all__ = ["sample_note"]


def sample_note(*, model: str = "relnotes-deterministic") -> GeneratedNote:
    """A two-scenario cache note drafted by the deterministic provider."""
    scenario = Scenario(title="Redis answers", steps=["Run redis-cli ping"], expected="PONG.")
    draft = NoteDraft(
        release_note="Upgraded Redis to 7.2.",
        test_scenarios=[scenario, scenario],
        category=Category.CACHE,
        risk=Risk.LOW,
    )
    provenance = Provenance(
        provider="deterministic",
        model=model,
        prompt_version="v1",
        usage=TokenUsage(prompt_tokens=10, completion_tokens=5),
        latency_ms=7,
    )
    return GeneratedNote(draft=draft, provenance=provenance)

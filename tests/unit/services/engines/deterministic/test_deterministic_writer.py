"""The deterministic writer on realistic change summaries: facts kept, category, scenario coverage.

Each row is a summary an engineer might write, the values the note must repeat verbatim, the
expected category (and risk where the rule is clear-cut), and words the scenarios must use.
"""

import re

import pytest
from tests.unit.services.engines.deterministic.change_cases import CASES, Case

from relnotes.models.result import NoteDraft
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.engines.deterministic import write_draft


def _draft(case: Case, **fields: object) -> NoteDraft:
    return write_draft(
        ReleaseNoteSpec.model_validate(
            {"changeSummary": case.summary, "environment": case.environment, **fields}
        )
    )


def _scenario_text(draft: NoteDraft) -> str:
    parts = [f"{s.title} {' '.join(s.steps)} {s.expected}" for s in draft.test_scenarios]
    return " ".join(parts).lower()


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.summary[:48] for c in CASES])
def test_note_keeps_every_fact(case: Case) -> None:
    note = _draft(case).release_note
    for fact in case.keep:
        assert fact in note, f"{fact!r} missing from {note!r}"
    assert note.endswith(".")
    assert len(note) <= 300
    assert "\n" not in note


@pytest.mark.parametrize("case", CASES, ids=[c.summary[:48] for c in CASES])
def test_category_and_risk(case: Case) -> None:
    draft = _draft(case)
    assert draft.category is case.category
    if case.risk is not None:
        assert draft.risk is case.risk


@pytest.mark.parametrize("case", CASES, ids=[c.summary[:48] for c in CASES])
def test_scenarios_cover_the_change(case: Case) -> None:
    text = _scenario_text(_draft(case, testScenarios=3))
    for word in case.covers:
        assert word.lower() in text, f"{word!r} not in scenarios: {text}"


@pytest.mark.parametrize("case", CASES, ids=[c.summary[:48] for c in CASES])
def test_note_is_past_tense_and_not_an_echo(case: Case) -> None:
    """The summary's verb in the past tense (for "redis 7.0 → 7.1", the one its values state)."""
    note = _draft(case).release_note
    assert note != case.summary
    assert re.search(r"\b(?:[A-Za-z-]+ed|[Ss]et)\b", note), note

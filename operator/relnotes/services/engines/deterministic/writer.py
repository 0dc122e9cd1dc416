"""The deterministic writer: spec in, validated ``NoteDraft`` out, with no model involved.

It is a pure function of the spec (no clock, randomness, network or hash ordering), so the same
ReleaseNote always yields byte-identical output and the operator can cache and diff drafts.
"""

from relnotes.models.result import NoteDraft
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.engines.deterministic.classify import category_of
from relnotes.services.engines.deterministic.facts import extract_facts
from relnotes.services.engines.deterministic.normalise import implied_verb
from relnotes.services.engines.deterministic.risk import risk_of
from relnotes.services.engines.deterministic.scenarios import build_scenarios
from relnotes.services.engines.deterministic.sentences import write_sentence

__all__ = ["write_draft"]


def write_draft(spec: ReleaseNoteSpec) -> NoteDraft:
    """A note for ``spec``: one sentence, ``spec.test_scenarios`` scenarios, category and risk."""
    facts = extract_facts(spec)
    category = category_of(facts)
    note = write_sentence(
        facts.cleaned,
        implied=implied_verb(facts.found),
        tone=spec.tone,
        audience=spec.audience,
        where=(spec.environment, *facts.cleaned.scopes, spec.component),
        version=spec.version,
        category=category,
    )
    return NoteDraft(
        release_note=note,
        test_scenarios=build_scenarios(facts, spec.test_scenarios),
        category=category,
        risk=risk_of(facts),
    )

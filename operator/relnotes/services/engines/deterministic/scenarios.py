"""Pick the scenario builder for a change and keep as many scenarios as the spec asks for.

Builders list scenarios most important first, so taking a prefix keeps the checks that matter
most; when a builder has fewer than needed, honest generic checks fill the gap.
"""

from collections.abc import Callable, Iterator

from relnotes.models.result import Scenario
from relnotes.services.engines.deterministic import scenarios_access as access
from relnotes.services.engines.deterministic import scenarios_resources as resources
from relnotes.services.engines.deterministic import scenarios_upkeep as upkeep
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.kinds import ChangeKind
from relnotes.services.engines.deterministic.scenario_base import generic
from relnotes.services.engines.deterministic.scenarios_toggle import toggle

__all__ = ["SCENARIO_BUILDERS", "build_scenarios"]

ScenarioBuilder = Callable[[Facts], list[Scenario]]

SCENARIO_BUILDERS: dict[ChangeKind, ScenarioBuilder] = {
    ChangeKind.INSTANCE_CLASS: resources.instance_class,
    ChangeKind.VERSION: resources.version,
    ChangeKind.TOGGLE: toggle,
    ChangeKind.SCALING: resources.scaling,
    ChangeKind.REGION: resources.region,
    ChangeKind.STORAGE: resources.storage,
    ChangeKind.NETWORK_RULE: access.network_rule,
    ChangeKind.DNS: access.dns,
    ChangeKind.TLS: access.tls,
    ChangeKind.IAM: access.iam,
    ChangeKind.COST: upkeep.cost,
    ChangeKind.OBSERVABILITY: upkeep.observability,
    ChangeKind.TAGS: upkeep.tags,
}


def _padded(facts: Facts) -> Iterator[Scenario]:
    """The builder's scenarios, then generic ones, built only if the builder's fall short."""
    yield from SCENARIO_BUILDERS.get(facts.kind, generic)(facts)
    yield from generic(facts)


def build_scenarios(facts: Facts, count: int) -> list[Scenario]:
    """The first ``count`` scenarios for ``facts``, padded with generic ones, titles unique."""
    chosen: list[Scenario] = []
    titles: set[str] = set()
    for candidate in _padded(facts):
        if candidate.title.lower() not in titles:
            titles.add(candidate.title.lower())
            chosen.append(candidate)
        if len(chosen) == count:
            break
    return chosen

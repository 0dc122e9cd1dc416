"""Pick the scenario builder for a change and keep as many scenarios as the spec asks for.

A kind's own builder (concrete commands for instance classes, versions, rules, ...) is used only
when the summary carries the values it tests: a tag pair for tags, an action, ARN or principal
for IAM, an engine's own version rather than a chart's, image's or provider's, CloudWatch
for monitoring. Otherwise the
scenarios are built from the object the summary names (``generic``), so they never test another
kind of change. Builders list scenarios most important first, so taking a prefix keeps the
checks that matter most; object scenarios fill any gap.
"""

import re
from collections.abc import Callable, Iterator

from relnotes.lazy_regex import LazyPattern
from relnotes.models.result import Scenario
from relnotes.services.engines.deterministic import scenarios_access as access
from relnotes.services.engines.deterministic import scenarios_resources as resources
from relnotes.services.engines.deterministic import scenarios_upkeep as upkeep
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.kinds import ChangeKind
from relnotes.services.engines.deterministic.scenarios_object import generic
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


_PACKAGED = LazyPattern(
    r"\b(?:charts?|images?|providers?|modules?|plugins?|actions?|sdks?|librar(?:y|ies)"
    r"|requirements?|operators?|agents?|exporters?|templates?"
    r"|max|min|maximum|minimum|supported|support)\b",
    re.IGNORECASE,
)


def _evidenced(facts: Facts) -> bool:
    """Whether the summary carries the values the kind's own scenarios test."""
    found = facts.found
    if found.kind is ChangeKind.TAGS:
        return bool(found.values)
    if found.kind is ChangeKind.IAM:
        return bool(found.name) or any(":" in value for value in found.values)
    if found.kind is ChangeKind.VERSION:  # not a chart's version, nor a supported maximum
        return _PACKAGED.search(facts.cleaned.text) is None
    if found.kind is ChangeKind.OBSERVABILITY:  # its checks are CloudWatch alarms and log groups
        subject = (found.subject or "").lower()
        text = facts.cleaned.text.lower()
        return ("cloudwatch" in text or "log group" in text) and (
            "alarm" in subject or "retention" in subject
        )
    return True


def _padded(facts: Facts) -> Iterator[Scenario]:
    """The builder's scenarios, then generic ones, built only if the builder's fall short."""
    if _evidenced(facts):
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

"""Scenarios for any change, built from the object its summary names.

When no recognised kind has concrete checks (or the summary lacks the values they need), the
scenarios are about the object the note acts on ("the API latency graph", "2 on demand nodes",
"the WAF rule"): it shows the change, what relies on it still works (or, for a removal, nothing
still does), and the change can be undone. The first check is concrete when the summary names
a kind of object with an obvious way to look at it (a chart, a Terraform module, a dashboard, a
permission, a DNS name, capacity); the tool is one the summary's own words call for.
"""

import re

from relnotes.lazy_regex import LazyPattern
from relnotes.models.result import Scenario
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.normalise import (
    capitalised,
    implied_verb,
    is_plural,
    normalise,
    object_of,
)
from relnotes.services.engines.deterministic.scenario_base import join, scenario

__all__ = ["generic"]

_I = re.IGNORECASE
#: (words in the summary, the concrete look at the object they name); the earliest word wins.
_LOOKS: tuple[tuple[str, str], ...] = (
    (
        r"charts?",
        "Render the chart with `helm template` (or `helm diff upgrade`) and confirm only the "
        "intended manifests change",
    ),
    (
        r"terraform|tf|\w+\.tf",
        "Run `terraform plan` and confirm it shows only the intended change",
    ),
    (
        r"dashboards?|graphs?|panels?|alerts?|alarms?|monitors?|anomal\w*|slos?",
        "Open {thing} and confirm it shows data, with the expected values, before and after "
        "the change",
    ),
    (
        r"(?:api|access|ssh|deploy) keys?|credentials?|passwords?",
        "Confirm what uses {thing} authenticates with the new value and the old one is refused",
    ),
    (
        r"iam|permissions?|access|roles?|(?:iam|bucket|key|access) polic(?:y|ies)"
        r"|(?:app|api|access) tokens?",
        "As the principal concerned, try an action the change is meant to allow or deny and one "
        "it does not touch",
    ),
    (
        r"waf rules?|rules?|firewall",
        "Send a request the rule targets and one it does not, and confirm which are blocked",
    ),
    (r"dns|records?|domains?|fqdns?|cname", "Resolve the names concerned with `dig` and compare"),
    (
        r"nodes?|capacity|workers?|replicas?|memory|cpu",
        "Confirm the remaining capacity carries the normal load: no Pending work, headroom on "
        "CPU and memory",
    ),
)
_LOOK = LazyPattern(
    "|".join(f"(?P<l{i}>(?<![\\w.-])(?:{words})(?![\\w-]))" for i, (words, _) in enumerate(_LOOKS)),
    _I,
)
_REMOVED = LazyPattern(r"(?:removed|deleted|dropped|retired|decommissioned)\b", _I)


def _look(facts: Facts, thing: str) -> str:
    """The concrete way to inspect ``thing``, from the earliest object word the summary uses."""
    if facts.cleaned.type != "docs":
        found = _LOOK.search(facts.cleaned.text)
        if found and found.lastgroup:
            return _LOOKS[int(found.lastgroup[1:])][1].replace("{thing}", thing)
    return f"Inspect {thing} and compare with the state before the change"


def generic(facts: Facts) -> list[Scenario]:
    """Checks built from the object the summary names: it shows the change, what relies on it
    still works (or nothing still uses what was removed), and the change can be undone."""
    text = normalise(facts.cleaned, implied_verb(facts.found))[0]
    thing = object_of(text) or "the changed configuration"
    title, many = capitalised(thing), is_plural(thing)
    reflect, returns, are = ("reflect", "return", "are") if many else ("reflects", "returns", "is")
    where = join(
        f"in {facts.environment}" if facts.environment else None,
        f"for {', '.join(facts.cleaned.scopes)}" if facts.cleaned.scopes else None,
    )
    removed = _REMOVED.match(text)
    shows = scenario(
        f"{title} after the change",
        [
            join("Apply the change", where) + f": {text}",
            _look(facts, thing),
        ],
        f"{title} {are} gone and nothing else differs"
        if removed
        else f"{title} {reflect} the change and nothing else differs",
    )
    users = (
        scenario(
            f"Nothing still relies on {thing}",
            [
                f"Search the configuration, code and dashboards for references to {thing}",
                "Check logs after the change for errors that mention it",
            ],
            f"No remaining references to {thing} and no new errors",
        )
        if removed
        else scenario(
            f"What depends on {thing} keeps working",
            [
                f"List what uses {thing} (callers, jobs, dashboards or resources referencing it)",
                join("Exercise them", where, "after the change and check their logs"),
            ],
            "Everything that depends on it works as before, with no new errors",
        )
    )
    undo = scenario(
        f"Reverting the change to {thing}",
        [
            "In a non-production environment, revert the commit or configuration change",
            f"Confirm {thing} {returns} to the previous state and the checks above pass",
        ],
        f"{title} {returns} to the previous state without errors",
    )
    return [shows, users, undo]

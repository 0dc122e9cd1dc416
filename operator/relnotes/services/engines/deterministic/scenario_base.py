"""Helpers shared by the scenario builders: bounded lines, tool names, generic fallbacks.

Scenario fields have hard limits (title 120, lines 3-300 characters, at most six steps); values
copied from a summary can be long, so every line passes through ``_line`` instead of trusting the
builders to count.
"""

from relnotes.models.result import Scenario
from relnotes.services.engines.deterministic.clause import join
from relnotes.services.engines.deterministic.facts import Facts

__all__ = ["connect_step", "describe", "generic", "rollback", "scenario", "target_name"]

_TITLE = 120
_LINE = 300


def _line(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0]
    return cut + "..."


def scenario(title: str, steps: list[str], expected: str) -> Scenario:
    """A ``Scenario`` whose title and lines are trimmed to the model's limits."""
    head = title.split(" ", 1)[0]
    if head.isalpha() and head.islower():
        title = title[:1].upper() + title[1:]
    return Scenario(
        title=_line(title, _TITLE),
        steps=[_line(step, _LINE) for step in steps[:6]],
        expected=_line(expected, _LINE),
    )


def describe(facts: Facts) -> str:
    """The read-only CLI call that shows the changed resource, in backticks."""
    return f"`{facts.service.describe}`" if facts.service else "the AWS console or CLI"


def target_name(facts: Facts) -> str:
    """A short name for the changed resource, for titles and steps."""
    if facts.service:
        return join("the", facts.environment, facts.service.label)
    return facts.environment or "the target"


def connect_step(facts: Facts) -> str:
    """How to open a real client connection to the changed resource."""
    key = facts.service.key if facts.service else ""
    text = facts.summary.lower()
    if key == "elasticache" or "redis" in text or "valkey" in text:
        return "Connect with `redis-cli -h <endpoint>` from an application host and run `PING`"
    if "mysql" in text or "mariadb" in text:
        return "Connect with `mysql -h <endpoint>` from an application host and run `SELECT 1`"
    if key in ("rds", "aurora") or "postgres" in text:
        return "Connect with `psql -h <endpoint>` from an application host and run `SELECT 1`"
    if key == "eks":
        return "Run `kubectl get nodes` and `kubectl get pods -A` against the cluster"
    return "Call the service's health-check endpoint from an application host"


def rollback(facts: Facts, old: str | None, new: str | None, what: str) -> Scenario:
    """Rolling ``what`` back from ``new`` to ``old`` (or "the previous value")."""
    before = old or "the previous value"
    steps = [
        f"In a non-production environment, change {what} back to {before}",
        f"Confirm {describe(facts)} reports {before}" + (f" instead of {new}" if new else ""),
        "Run the smoke tests and confirm the application recovers",
    ]
    return scenario(
        f"Rollback of {what} to {before}",
        steps,
        f"{what[:1].upper() + what[1:]} returns to {before} and the smoke tests pass",
    )


def generic(facts: Facts) -> list[Scenario]:
    """Honest checks for a change the writer could not parse: live, healthy, reversible."""
    where = f" in {facts.environment}" if facts.environment else ""
    return [
        scenario(
            f"The change is live{where}",
            [
                f"Identify the resources touched by: {facts.summary}",
                f"Confirm their deployed configuration{where} matches the intended change",
                "Check the deployment or apply log finished without errors",
            ],
            "The deployed configuration matches the change description",
        ),
        scenario(
            "Error rates and latency stay flat",
            [
                "Compare error rates and latency dashboards before and after the change",
                "Search application and infrastructure logs for new warnings or errors",
            ],
            "No new errors and no latency regression after the change",
        ),
        scenario(
            "Rollback of the change",
            [
                "Revert the change in a non-production environment",
                "Confirm the previous behaviour returns and the smoke tests pass",
            ],
            "The change can be reverted cleanly",
        ),
    ]

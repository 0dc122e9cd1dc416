"""Scenarios for a feature switched on or off, chosen by what the feature is about.

Multi-AZ gets a forced failover, public access an anonymous request from outside, deletion
protection a delete attempt, and so on; a feature the writer does not know gets a status check.
Every toggle ends with switching it back, because that is the rollback.
"""

from relnotes.models.result import Scenario
from relnotes.services.engines.deterministic.classify import Topic, toggle_topic
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.scenario_base import (
    connect_step,
    describe,
    rollback,
    scenario,
    target_name,
)

__all__ = ["PLURAL_FEATURES", "toggle"]

#: Feature names that take "are" ("automated backups are enabled").
PLURAL_FEATURES = ("logs", "metrics", "backups", "snapshots", "alarms", "insights")


def _effect(facts: Facts, topic: str, feature: str, state: str) -> Scenario | None:
    """The scenario that exercises what the feature does, or ``None`` for unknown topics."""
    on = facts.found.enabled
    if topic == Topic.AVAILABILITY:
        return scenario(
            f"Failover with {feature}",
            [
                f"Confirm {describe(facts)} shows {feature} {state}",
                "Keep a client connected and writing, then trigger a failover (for RDS: "
                "`aws rds reboot-db-instance --force-failover`)",
                "Measure how long the client takes to reconnect",
            ],
            "The standby takes over, clients reconnect and no committed writes are lost",
        )
    if topic == Topic.EXPOSURE:
        return scenario(
            "Anonymous access from outside the network",
            [
                "From a host outside the network, request the resource anonymously with `curl -I`",
                f"Confirm {describe(facts)} shows public access {state}",
            ],
            "Only the intended content is public" if on else "Access is denied",
        )
    if topic == Topic.PROTECTION:
        return scenario(
            f"Deletion behaviour with {feature} {state}",
            [
                "In a non-production copy, attempt to delete the resource",
                "Confirm recent snapshots or backups exist before any deletion",
            ],
            "Deletion is refused while protection is on"
            if on
            else "Deletion is possible, so backups must be confirmed first",
        )
    if topic == Topic.CREDENTIALS:
        return scenario(
            f"Applications keep authenticating with {feature} {state}",
            [
                "In a non-production environment, trigger the rotation "
                "(e.g. `aws secretsmanager rotate-secret`)",
                "Watch application logs for authentication failures during and after it",
            ],
            "Applications pick up the new credentials without errors",
        )
    if topic == Topic.VERSIONING:
        return scenario(
            f"Object versions with {feature} {state}",
            [
                "Upload the same object key twice",
                "Run `aws s3api list-object-versions` for the key",
            ],
            "Both versions are listed and the previous one can be restored"
            if on
            else "Only the latest object is kept",
        )
    if topic == Topic.BACKUPS:
        return scenario(
            f"Restore with {feature} {state}",
            [
                "Restore the latest backup to a new instance in a non-production environment"
                if on
                else "Take a manual snapshot and confirm it completes",
                f"Confirm {describe(facts)} shows the backup settings",
            ],
            "The restore succeeds" if on else "A manual snapshot exists to restore from",
        )
    if topic == Topic.ENCRYPTION:
        return scenario(
            f"Clients still connect with {feature} {state}",
            [f"Confirm {describe(facts)} reports {feature} {state}", connect_step(facts)],
            "Clients connect and read data as before",
        )
    if topic == Topic.LOGGING:
        return scenario(
            f"{feature} data arrives" if on else f"{feature} data stops",
            [f"Open {feature} for {target_name(facts)} and look for data from the last hour"],
            "Fresh data is visible" if on else "No new data arrives and costs drop",
        )
    return None


def toggle(facts: Facts) -> list[Scenario]:
    """The feature's effect, its reported status, and switching it back."""
    found = facts.found
    feature, state = found.subject or "the feature", "enabled" if found.enabled else "disabled"
    verb = "are" if feature.lower().endswith(PLURAL_FEATURES) else "is"
    status = scenario(
        f"{feature} {verb} {state}",
        [f"Run {describe(facts)} for {target_name(facts)}", f"Read the {feature} setting"],
        f"{feature} {verb} reported as {state}",
    )
    effect = _effect(facts, toggle_topic(feature)[0], feature, state)
    checks = [status] if effect is None else [effect, status]
    return [*checks, rollback(facts, "disabled" if found.enabled else "enabled", state, feature)]

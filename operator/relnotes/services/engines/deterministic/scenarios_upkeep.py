"""Scenarios for upkeep changes: cost measures, monitoring and tags.

These rarely break traffic, so the checks focus on whether the change does what it promised
(the bill drops, the alarm fires, the tag shows up) and on the one way each can hurt (Spot
interruptions, slow Glacier restores, noisy alarms, a tag change that replaces a resource).
"""

from relnotes.models.result import Scenario
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.scenario_base import (
    describe,
    rollback,
    scenario,
    target_name,
)

__all__ = ["cost", "observability", "tags"]

_COMMITMENTS = ("Savings Plans", "Reserved Instances")


def _measure_check(facts: Facts) -> list[Scenario]:
    """The check specific to the cost measure, most important first."""
    found = facts.found
    if found.subject in _COMMITMENTS:
        name = found.name or found.subject or "the commitment"
        return [
            scenario(
                f"Coverage and utilisation of the {name}",
                [
                    "Open the coverage and utilisation reports for the commitment in Cost Explorer",
                    "Check which usage is still billed at on-demand rates",
                ],
                "Utilisation is high and on-demand spend for the covered usage dropped",
            ),
            scenario(
                "Budgets reflect the commitment",
                [
                    "Update AWS Budgets to include the recurring commitment",
                    "Confirm a budget alert would fire on unexpected on-demand spend",
                ],
                "Budgets and alerts include the commitment",
            ),
        ]
    if found.subject == "Spot capacity":
        return [
            scenario(
                "Spot interruption handling",
                [
                    "Simulate a Spot interruption with AWS Fault Injection Service",
                    "Watch pods or tasks move to other capacity",
                ],
                "Workloads are rescheduled without user-visible errors",
            )
        ]
    if found.subject == "lifecycle rules":
        return [
            scenario(
                "Lifecycle rules are in place",
                [
                    "Run `aws s3api get-bucket-lifecycle-configuration --bucket <bucket>`",
                    "Restore one transitioned object and time the retrieval",
                ],
                "The rule matches the change and objects can be restored",
            )
        ]
    if not found.new:
        return [
            scenario(
                "Nothing depended on what changed",
                [
                    "Search CloudTrail, flow logs and metrics for recent use of the resource",
                    "Confirm no alarms or error rates moved after the change",
                ],
                "No workload relied on the removed or reduced capacity",
            )
        ]
    return [
        scenario(
            f"Performance headroom on {found.new}",
            ["Compare CPU, memory and latency before and after the change"],
            "Utilisation and latency stay within limits",
        )
    ]


def cost(facts: Facts) -> list[Scenario]:
    """Billing shows the effect (Cost Explorer), the measure's own risk, rollback."""
    found = facts.found
    figures = ", ".join(v for v in found.values if not v[:1].isalpha())
    billing = scenario(
        "Savings visible in Cost Explorer",
        [
            "Open Cost Explorer filtered to the affected service and account",
            "Compare daily cost before and after the change",
        ],
        f"Costs drop in line with the estimate ({figures})"
        if figures
        else "Daily cost drops after the change",
    )
    checks = [billing, *_measure_check(facts)]
    if found.subject not in _COMMITMENTS:
        checks.append(rollback(facts, found.old, found.new, "the cost measure"))
    return checks


def observability(facts: Facts) -> list[Scenario]:
    """Alarms fire and notify without noise; retention and data arrive as configured."""
    found = facts.found
    subject = found.subject or "monitoring"
    title = subject[:1].upper() + subject[1:]
    if "alarm" in subject.lower():
        return [
            scenario(
                f"{title} fires and notifies",
                [
                    "Run `aws cloudwatch set-alarm-state --state-value ALARM` on the new alarm",
                    "Confirm the notification reaches the on-call channel",
                ],
                "The alarm changes state and the notification arrives",
            ),
            scenario(
                "No alert noise",
                ["Watch the alarm history for flapping over a normal day of traffic"],
                "The alarm changes state only on real breaches",
            ),
            scenario(
                "Runbook and ownership",
                ["Check the alarm description links a runbook and names an owner"],
                "Whoever is paged knows what to do",
            ),
        ]
    check = (
        "Run `aws logs describe-log-groups` and read retentionInDays"
        if "retention" in subject.lower()
        else f"Confirm {describe(facts)} shows the new {subject} settings"
    )
    return [
        scenario(
            f"{title} works as configured",
            [check, "Confirm new data arrives where expected"],
            f"{title} reports as configured" + (f" ({found.new})" if found.new else ""),
        ),
        scenario(
            "Storage and ingestion cost",
            ["Compare stored and ingested bytes before and after the change"],
            "Volumes and cost move in the expected direction",
        ),
        rollback(facts, found.old, found.new, subject),
    ]


def tags(facts: Facts) -> list[Scenario]:
    """Tags are present, nothing was replaced, cost allocation picks them up."""
    pairs = ", ".join(facts.found.values) or "the new tags"
    return [
        scenario(
            "Tags are present",
            [f"Run `aws resourcegroupstaggingapi get-resources` for {target_name(facts)}"],
            f"The resources carry {pairs}",
        ),
        scenario(
            "No resource was replaced",
            ["Review the `terraform plan` or change set: only tags change in place"],
            "No resource is destroyed or recreated",
        ),
        scenario(
            "Cost allocation picks up the tags",
            [
                "Activate the tag keys as cost allocation tags if needed",
                "Filter Cost Explorer by the tags after the next refresh",
            ],
            "Costs are grouped by the new tags",
        ),
    ]

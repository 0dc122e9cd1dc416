"""Scenarios for changes to a resource's shape: size, version, counts, place, storage.

Each builder returns its scenarios most important first (does it still work, does it perform,
can it be undone); the writer keeps as many as the spec asks for.
"""

import re

from relnotes.lazy_regex import LazyPattern
from relnotes.models.result import Scenario
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.scenario_base import (
    connect_step,
    describe,
    rollback,
    scenario,
    target_name,
)

__all__ = ["instance_class", "region", "scaling", "storage", "version"]


def instance_class(facts: Facts) -> list[Scenario]:
    """Connectivity on the new class, performance against the old one, rollback."""
    found, name = facts.found, target_name(facts)
    new, old = found.new or "the new instance class", found.old or "the previous instance class"
    return [
        scenario(
            f"Connectivity after the resize to {new}",
            [
                f"Confirm {describe(facts)} reports {new} for {name}",
                connect_step(facts),
                "Watch application health checks and connection errors while traffic returns",
            ],
            f"{name[:1].upper() + name[1:]} runs as {new} and clients connect without errors",
        ),
        scenario(
            f"Performance on {new} compared with {old}",
            [
                f"Record p95 latency, CPU and memory on {old} from the metrics before the change",
                f"Replay the same load test against {new}",
                "Compare latency, CPU and memory headroom between the two runs",
            ],
            f"Latency and CPU on {new} are equal to or better than on {old}",
        ),
        rollback(facts, found.old, found.new, f"the {found.subject or 'instance class'}"),
    ]


def version(facts: Facts) -> list[Scenario]:
    """The reported version, compatibility (nodes and pods for Kubernetes), rollback plan."""
    found = facts.found
    engine, new = found.subject or "the engine", found.new or "the new version"
    lowered = engine.lower()
    if "postgres" in lowered or "mysql" in lowered or "aurora" in lowered:
        check = f"{connect_step(facts).rsplit(' and run', 1)[0]} and run `SELECT version();`"
    elif lowered in ("redis", "valkey"):
        check = "Run `redis-cli -h <endpoint> INFO server` and read `redis_version`"
    elif lowered in ("eks", "kubernetes", "k8s"):
        check = "Run `kubectl version` and read the server version" + (
            " (and `aws eks describe-cluster`)" if lowered == "eks" else ""
        )
    else:
        check = f"Confirm {describe(facts)} reports the running version"
    if lowered in ("eks", "kubernetes", "k8s"):
        compat = scenario(
            f"Nodes Ready and pods scheduled on {engine} {new}",
            [
                "Run `kubectl get nodes` and confirm every node is Ready",
                "Run `kubectl get pods -A` and look for Pending or CrashLoopBackOff pods",
                "Scan manifests for APIs removed in the new version (e.g. with `pluto`)",
            ],
            "All nodes are Ready, all pods are Running and no removed APIs are in use",
        )
    else:
        compat = scenario(
            f"Application compatibility with {engine} {new}",
            [
                "Run the integration and smoke test suites against the upgraded endpoint",
                "Check the engine log for deprecation warnings and errors",
            ],
            "Tests pass and the engine log shows no new errors",
        )
    return [
        scenario(
            f"{engine} reports version {new}",
            [check],
            f"{engine} reports {new}" + (f", not {found.old}" if found.old else ""),
        ),
        compat,
        _no_downgrade(engine, new)
        if lowered in ("eks", "kubernetes", "k8s")
        else _restore(engine, found.old, new)
        if _DATA_ENGINES.search(lowered)
        else rollback(facts, found.old, found.new, f"the {engine} version"),
    ]


_DATA_ENGINES = LazyPattern(r"postgres|mysql|mariadb|aurora|redis|valkey|memcached|mongo|kafka")


def _restore(engine: str, old: str | None, new: str) -> Scenario:
    """A managed database or cache cannot be downgraded in place: the way back is a restore."""
    before = f"{engine} {old}" if old else f"the previous {engine} version"
    return scenario(
        f"Rollback of {engine} {new} by restoring a snapshot",
        [
            f"Confirm a snapshot was taken before the upgrade to {new}",
            f"In a non-production environment, restore it to a new instance on {before}",
            "Point a client at the restored copy and run the smoke tests",
        ],
        f"The pre-upgrade snapshot restores on {before}: an in-place downgrade is not possible",
    )


def _no_downgrade(engine: str, new: str) -> Scenario:
    """A Kubernetes control plane cannot be downgraded: the fallback is tested before, not after."""
    return scenario(
        f"No downgrade path from {engine} {new}",
        [
            "A control-plane upgrade cannot be undone: run the workloads on a non-production "
            f"cluster at {new} first",
            "Keep the previous node group or node pool until the new nodes are proven",
        ],
        "Workloads were proven on the new version first, with nodes to fall back to",
    )


def scaling(facts: Facts) -> list[Scenario]:
    """Capacity reaches the target, pods spread onto it, scale back."""
    found = facts.found
    unit = found.name or "nodes"
    limit = unit.split(" ", 1)[0].lower() in ("min", "max", "minimum", "maximum", "desired")
    counted = unit if re.search(r"count|capacity", unit, re.IGNORECASE) else f"{unit} count"
    target = (f"{unit} {found.new}" if limit else f"{found.new} {unit}") if found.new else None
    target = target or ", ".join(found.values) or "the new capacity"
    pods = unit.lower().startswith(("pod", "replica"))
    fewer = bool(found.old and found.new and int(found.new) < int(found.old))
    check = (
        "Run `kubectl get deployment` and `kubectl get pods` and count Ready replicas"
        if pods
        else "Run `kubectl get nodes` (or `aws autoscaling describe-auto-scaling-groups`) "
        "and count Ready nodes"
    )
    return [
        scenario(
            f"Capacity reaches {target}",
            [check, "Look for Pending pods or failed launches"],
            f"Capacity matches {target}, everything is Ready and no pods are Pending",
        ),
        scenario(
            "Remaining capacity handles peak load",
            [
                "Replay peak traffic in a non-production environment against the reduced capacity",
                "Watch CPU, memory, latency and error rates during the test",
            ],
            "Latency and error rates stay within objectives at peak",
        )
        if fewer
        else scenario(
            "Workload spreads over the new capacity",
            [
                "Run `kubectl get pods -o wide` and check pods land on the new capacity",
                "Run a load test and compare latency with the previous capacity",
            ],
            "Pods are scheduled across the capacity and latency holds under load",
        ),
        rollback(
            facts, found.old, found.new, f"the {counted}" if found.new else "the scaling limits"
        ),
    ]


def region(facts: Facts) -> list[Scenario]:
    """Resources live in the new region or zone, latency, rollback."""
    found = facts.found
    place = found.new or "the new location"
    return [
        scenario(
            f"Resources run in {place}",
            [f"Confirm {describe(facts)} lists the resource in {place}", connect_step(facts)],
            f"The resource is available in {place} and clients connect",
        ),
        scenario(
            f"Losing one zone while {place} is in service",
            [
                "In a non-production environment, cordon or stop the capacity in one other zone",
                f"Confirm traffic and pods shift to the remaining zones, including {place}",
            ],
            "The service keeps answering while one zone is out",
        )
        if found.subject == "Availability Zone"
        else scenario(
            f"Latency from clients to {place}",
            [
                "Measure request latency from the main client locations",
                "Compare it with the measurements taken before the change",
            ],
            "Latency stays within the service's objectives",
        ),
        rollback(facts, found.old, found.new, "the placement"),
    ]


def storage(facts: Facts) -> list[Scenario]:
    """The volume reports its new type or size, I/O performance, rollback."""
    found = facts.found
    new = found.new or ", ".join(found.values) or "the new storage settings"
    return [
        scenario(
            f"Storage reports {new}",
            [
                f"Confirm {describe(facts)} reports {new}",
                "Wait until the modification state is completed or optimizing",
                "Check the filesystem or `FreeStorageSpace` reflects the change",
            ],
            f"The storage reports {new} and the modification completed",
        ),
        scenario(
            "I/O performance after the change",
            [
                "Compare read/write IOPS, latency and queue depth before and after",
                "Run a representative I/O benchmark (e.g. `fio`) in a non-production environment",
            ],
            "I/O latency is equal to or better than before",
        ),
        _no_shrink(found.old, found.new)
        if _grew(found.old, found.new)
        else rollback(facts, found.old, found.new, "the storage configuration"),
    ]


_SIZE = LazyPattern(r"(\d+(?:\.\d+)?)\s*(GiB|GB|TiB|TB)", re.IGNORECASE)


def _grew(old: str | None, new: str | None) -> bool:
    """Whether a storage size went up: EBS volumes and RDS storage cannot shrink back."""
    sizes = [_SIZE.fullmatch(v.strip()) if v else None for v in (old, new)]
    if not (sizes[0] and sizes[1]):
        return False
    scale = {"gib": 1, "gb": 1, "tib": 1024, "tb": 1024}
    before, after = (float(m.group(1)) * scale[m.group(2).lower()] for m in sizes if m)
    return after > before


def _no_shrink(old: str | None, new: str | None) -> Scenario:
    return scenario(
        f"Rollback plan: storage cannot shrink from {new} back to {old}",
        [
            "Confirm the new size is intended: allocated storage cannot be reduced in place",
            f"Returning to {old} needs a new volume or instance and a copy of the data; "
            "rehearse it in a non-production environment if it may be needed",
        ],
        f"Nobody plans an in-place shrink back to {old}",
    )

"""Extractors for how a resource is shaped: size, version, count and place.

Like ``extract_access``, each returns ``None`` unless its trigger is present; they copy values out
of the summary verbatim and in the order written, so "from X to Y" keeps X as the old value.
"""

import re

from relnotes.lazy_regex import LazyPattern
from relnotes.services.engines.deterministic import patterns as p
from relnotes.services.engines.deterministic.kinds import ChangeKind, Found, unique
from relnotes.services.engines.deterministic.verbs import find_verb

__all__ = ["instance_class", "region", "scaling", "version"]

_I = re.IGNORECASE
_SCALE_WORDS = LazyPattern(
    r"\b(?:scaled?|scaling|replicas?|node\s?groups?|desired|capacity|autoscal\w*|hpa|nodes|pods"
    r"|brokers|shards|tasks|workers|instances"
    r"|min(?:imum)?|max(?:imum)?)\b",
    _I,
)
_GROUP = LazyPattern(
    r"\b([a-z0-9][\w-]*)\s+(node\s?group|deployment|statefulset|hpa|fleet|auto scaling group)\b",
    _I,
)
_NOT_NAMES = frozenset(
    {
        *("the", "a", "an", "our", "its", "each", "prod", "production", "staging", "stage"),
        *("dev", "development", "eks", "k8s", "kubernetes"),
    }
)


def instance_class(text: str, *, single: bool = False) -> Found | None:
    """Instance class or size changes; one lone class counts only when ``single`` is set."""
    classes = unique([m.group(0) for m in p.INSTANCE_CLASS.finditer(text)])
    verb = find_verb(
        text,
        (
            "resized",
            "upgraded",
            "downgraded",
            "moved",
            "migrated",
            "changed",
            "switched",
            "bumped",
            "increased",
            "reduced",
            "replaced",
        ),
    )
    if len(classes) >= 2:
        return Found(ChangeKind.INSTANCE_CLASS, old=classes[0], new=classes[1], verb=verb)
    memory = p.MEMORY.search(text)
    if memory and re.search(r"\bmemory\b|\bram\b", text, _I):
        return Found(
            ChangeKind.INSTANCE_CLASS,
            subject="memory",
            old=memory.group(1),
            new=memory.group(2),
            verb=verb,
        )
    vcpu = p.VCPU.search(text)
    if vcpu:
        old, new = f"{vcpu.group(1)} vCPU", f"{vcpu.group(2)} vCPU"
        return Found(ChangeKind.INSTANCE_CLASS, old=old, new=new, verb=verb)
    if classes and single:
        return Found(ChangeKind.INSTANCE_CLASS, new=classes[0], verb=verb)
    return None


def version(text: str, *, target_only: bool = False) -> Found | None:
    """Engine or platform upgrades: "Postgres 15.4 -> 15.6", or with ``target_only`` "to 1.30".

    The target-only form runs after the scaling extractor: "redis to 6 shards" is a count.
    """
    verb = find_verb(text, ("upgraded", "downgraded", "bumped", "updated", "patched", "moved"))
    match = p.VERSION_CHANGE.search(text) or p.VERSION_CHANGE_SPACED.search(text)
    if match and not target_only:
        return Found(
            ChangeKind.VERSION,
            subject=match.group("engine"),
            old=match.group(2),
            new=match.group(3),
            verb=verb,
        )
    target = p.VERSION_TARGET.search(text) if target_only else None
    if target:
        engine = target.group("engine") or target.group("engine2")
        new = target.group(2) or target.group(4)
        return Found(ChangeKind.VERSION, subject=engine, new=new, verb=verb)
    return None


def scaling(text: str) -> Found | None:
    """Node, replica and task counts, and autoscaling limits."""
    if not _SCALE_WORDS.search(text):
        return None
    group = next((m for m in _GROUP.finditer(text) if m.group(1).lower() not in _NOT_NAMES), None)
    subject = " ".join(group.groups()) if group else None
    limits = unique([m.group(0) for m in p.LIMIT.finditer(text)])
    verb = find_verb(
        text,
        (
            "scaled",
            "increased",
            "decreased",
            "reduced",
            "raised",
            "lowered",
            "set",
            "changed",
            "bumped",
            "added",
            "removed",
        ),
    )
    counts = p.FROM_TO_COUNT.search(text)
    if counts and not (counts.group(2) or counts.group(4)) and p.REPLICAS.search(text):
        counts = None
    if counts:
        unit = counts.group(4) or counts.group(2)
        return Found(
            ChangeKind.SCALING,
            subject=subject,
            name=unit,
            old=counts.group(1),
            new=counts.group(3),
            values=limits,
            verb=verb,
        )
    replicas = p.REPLICAS.search(text)
    if replicas:
        return Found(
            ChangeKind.SCALING,
            subject=subject,
            name=replicas.group(1),
            old=replicas.group(2),
            new=replicas.group(3),
            values=limits,
            verb=verb,
        )
    target = p.TO_COUNT.search(text)
    if target:
        return Found(
            ChangeKind.SCALING,
            subject=subject,
            name=target.group(2),
            new=target.group(1),
            values=limits,
            verb=verb,
        )
    if limits:
        return Found(ChangeKind.SCALING, subject=subject, values=limits, verb=verb)
    return None


def region(text: str) -> Found | None:
    """Region moves and Availability Zones added or removed."""
    text = p.ARN.sub(" ", text)
    places = unique([m.group(0) for m in p.REGION.finditer(text)])
    if not places:
        return None
    verb = find_verb(
        text,
        ("moved", "migrated", "added", "removed", "expanded", "deployed", "extended", "dropped"),
    )
    zone = places[-1][-1].isalpha()
    subject = "Availability Zone" if zone else "region"
    old = places[0] if len(places) >= 2 else None
    return Found(
        ChangeKind.REGION,
        subject=subject,
        old=old,
        new=places[-1],
        verb=verb or "moved",
    )

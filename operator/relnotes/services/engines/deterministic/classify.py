"""Category and risk: where a change lives and how hard to test it.

Risk starts from what the change can break (a major engine upgrade, a rule open to the internet,
a protection switched off) and rises one step in production, except for changes that cannot
disturb traffic (tags, monitoring) and for unrecognised changes, which stay at a cautious medium.
"""

import re

from relnotes.models.result import Category, Risk
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.kinds import ChangeKind

__all__ = ["Topic", "category_of", "is_production", "risk_of", "toggle_topic"]

_I = re.IGNORECASE


class Topic:
    """Names for what a toggled feature is about; shared with the scenario builder."""

    AVAILABILITY = "availability"
    PROTECTION = "protection"
    EXPOSURE = "exposure"
    ENCRYPTION = "encryption"
    CREDENTIALS = "credentials"
    VERSIONING = "versioning"
    BACKUPS = "backups"
    LOGGING = "logging"
    AUTOSCALING = "autoscaling"
    OTHER = "other"


#: (pattern, topic, category or None for "the service's category").
_TOPICS: tuple[tuple[re.Pattern[str], str, Category | None], ...] = tuple(
    (re.compile(pattern, _I), topic, category)
    for pattern, topic, category in (
        (r"multi-?az|failover|read replicas?|cross-zone", Topic.AVAILABILITY, None),
        (r"(?:deletion|termination) protection", Topic.PROTECTION, None),
        (r"public|internet", Topic.EXPOSURE, Category.SECURITY),
        (r"encrypt|kms|tls|ssl", Topic.ENCRYPTION, Category.SECURITY),
        (r"rotation|mfa|irsa|password|credential", Topic.CREDENTIALS, Category.SECURITY),
        (r"versioning|object lock|replication", Topic.VERSIONING, Category.STORAGE),
        (r"backups?|snapshots?|pitr|point-in-time", Topic.BACKUPS, None),
        (
            r"logs?|logging|insights|monitoring|metrics|tracing|audit",
            Topic.LOGGING,
            Category.OBSERVABILITY,
        ),
        (r"autoscal|karpenter", Topic.AUTOSCALING, None),
    )
)
_FIXED: dict[ChangeKind, Category] = {
    ChangeKind.NETWORK_RULE: Category.NETWORK,
    ChangeKind.DNS: Category.DNS,
    ChangeKind.TLS: Category.SECURITY,
    ChangeKind.IAM: Category.SECURITY,
    ChangeKind.COST: Category.COST,
    ChangeKind.STORAGE: Category.STORAGE,
    ChangeKind.OBSERVABILITY: Category.OBSERVABILITY,
    ChangeKind.TAGS: Category.OTHER,
    ChangeKind.UNKNOWN: Category.OTHER,
}
_ENGINES: tuple[tuple[re.Pattern[str], Category], ...] = (
    (
        re.compile(r"postgres|mysql|mariadb|aurora|mongo|documentdb|opensearch|elastic", _I),
        Category.DATABASE,
    ),
    (re.compile(r"redis|valkey|memcached", _I), Category.CACHE),
    (
        re.compile(r"eks|kubernetes|k8s|karpenter|istio|coredns|vpc-cni|helm", _I),
        Category.KUBERNETES,
    ),
)
_POD_UNITS = re.compile(r"pods?|replicas?|node\s?group|deployment|statefulset|hpa", _I)
_SUPPORTING = (Category.SECURITY, Category.OBSERVABILITY)
_STEADY = frozenset({ChangeKind.TAGS, ChangeKind.OBSERVABILITY, ChangeKind.UNKNOWN})
_LEVELS = (Risk.LOW, Risk.MEDIUM, Risk.HIGH)


def toggle_topic(feature: str | None) -> tuple[str, Category | None]:
    """What a toggled feature is about, and the category that implies (``None``: by service)."""
    for pattern, topic, category in _TOPICS:
        if feature and pattern.search(feature):
            return topic, category
    return Topic.OTHER, None


def is_production(environment: str | None) -> bool:
    """Whether the environment name means production ("prod", "production", "eu-prod-2")."""
    return (
        environment is not None and re.search(r"prod|\bprd\b|\blive\b", environment, _I) is not None
    )


def category_of(facts: Facts) -> Category:
    """The category the change belongs to."""
    found, service = facts.found, facts.service
    if found.kind in _FIXED:
        return _FIXED[found.kind]
    if found.kind is ChangeKind.TOGGLE:
        topic_category = toggle_topic(found.subject)[1]
        if topic_category is not None:
            return topic_category
    if found.kind is ChangeKind.VERSION and found.subject:
        for pattern, category in _ENGINES:
            if pattern.search(found.subject):
                return category
    # Supporting services (IAM, KMS, CloudWatch) say little about where a resize or scale lives.
    if service is not None and service.category not in _SUPPORTING:
        return service.category
    if found.kind is ChangeKind.SCALING:
        unit = " ".join(filter(None, (found.subject, found.name)))
        return Category.KUBERNETES if _POD_UNITS.search(unit) else Category.COMPUTE
    if found.kind is ChangeKind.REGION:
        return Category.NETWORK
    return Category.OTHER if found.kind is ChangeKind.TOGGLE else Category.COMPUTE


def _major(old: str | None, new: str | None) -> int | None:
    """-1/0/1 comparing the leading version numbers, or ``None`` when either is missing."""
    if not old or not new:
        return None
    a, b = int(old.split(".")[0]), int(new.split(".")[0])
    return (a > b) - (a < b)


def _number(value: str | None) -> float | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)", value or "")
    return float(match.group(1)) if match else None


def _base_risk(facts: Facts) -> Risk:
    """Risk before the production bump, from what the change can break."""
    found = facts.found
    kind = found.kind
    shrinks = (_number(found.new) or 0) < (_number(found.old) or 0)
    if kind is ChangeKind.VERSION:
        major = _major(found.old, found.new)
        return Risk.MEDIUM if major is None else (Risk.HIGH if major != 0 else Risk.LOW)
    if kind is ChangeKind.TOGGLE:
        topic = toggle_topic(found.subject)[0]
        if topic == Topic.EXPOSURE and found.enabled:
            return Risk.HIGH
        if not found.enabled and topic in (Topic.PROTECTION, Topic.ENCRYPTION, Topic.BACKUPS):
            return Risk.HIGH
        return Risk.LOW
    if kind is ChangeKind.NETWORK_RULE:
        anywhere = any(v in ("0.0.0.0/0", "::/0") for v in (found.old, found.new))
        return Risk.HIGH if anywhere and found.enabled else Risk.LOW
    if kind is ChangeKind.REGION:
        if found.subject == "region":
            return Risk.HIGH
        return Risk.MEDIUM if found.verb in ("removed", "dropped") else Risk.LOW
    if kind in (ChangeKind.SCALING, ChangeKind.STORAGE):
        return Risk.MEDIUM if shrinks else Risk.LOW
    if kind is ChangeKind.TLS:
        return Risk.MEDIUM if found.new else Risk.LOW
    if kind is ChangeKind.IAM:
        return (
            Risk.MEDIUM
            if found.verb in ("removed", "revoked", "detached", "restricted")
            else Risk.LOW
        )
    if kind is ChangeKind.COST:
        return Risk.MEDIUM if found.subject == "Spot capacity" else Risk.LOW
    return Risk.MEDIUM if kind is ChangeKind.UNKNOWN else Risk.LOW


def risk_of(facts: Facts) -> Risk:
    """The change's risk: its base risk, one step higher in production where traffic is at stake."""
    risk = _base_risk(facts)
    steady = facts.kind in _STEADY or (
        facts.kind is ChangeKind.COST
        and facts.found.subject in ("Savings Plans", "Reserved Instances")
    )
    if steady or not is_production(facts.environment):
        return risk
    return _LEVELS[min(_LEVELS.index(risk) + 1, len(_LEVELS) - 1)]

"""Category, from evidence in the summary and nothing else (risk is in ``risk``).

Category: a recognised kind with a fixed area (network rule, DNS, TLS, IAM, cost, storage,
monitoring) decides; a version names its engine's area; a toggled feature its topic's; then the
named AWS service; then a ``security:``, ``ci:`` or ``build:`` commit type; then the earliest
area word in the summary, then in its commit scopes ("dashboard", "security group", "chart",
"zfs", "pipeline"); "other" only when nothing fits.
"""

import re

from relnotes.lazy_regex import LazyPattern
from relnotes.models.result import Category
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.kinds import ChangeKind

__all__ = ["SECURITY_WORDS", "Topic", "category_of", "toggle_topic"]

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
_TOPICS: tuple[tuple[LazyPattern, str, Category | None], ...] = tuple(
    (LazyPattern(pattern, _I), topic, category)
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
}
#: Area words, each with its category; the earliest in the summary decides.
_AREAS = {
    Category.NETWORK: r"security groups?|vpc|subnets?|cidr|nat|ingress|egress|load balancers?"
    r"|alb|nlb|elb|vpn|network(?:ing)?|ips?|cloudfront|cdn|fastly|proxy|firewall rules?"
    r"|outbound|inbound|peering|transit gateway|gateways?|vhosts?",
    Category.SECURITY: r"iam|polic(?:y|ies)|roles?|permissions?|access|secrets?|kms|waf|ngwaf"
    r"|tls|ssl|certificates?|certs?|ssh|mfa|credentials?|tokens?|passwords?|security|cve"
    r"|vulnerabilit(?:y|ies)|oidc|sso|ldap|keycloak|auth\w*|bans?|unban",
    Category.OBSERVABILITY: r"alerts?|alarms?|metrics?|dashboards?|graphs?|logs?|logging"
    r"|monitor\w*|datadog|prometheus|grafana|loki|tempo|slos?|anomal\w*|tracing|traces"
    r"|cloudwatch|observability|sentry|pagerduty",
    Category.DATABASE: r"rdss?|postgres\w*|mysql|mariadb|aurora|databases?|db|dynamodb|mongo\w*",
    Category.CACHE: r"redis|elasticache|memcached|valkey|cache",
    Category.DNS: r"dns|route ?53|cname|domains?|hosted zones?|external-dns|records?|fqdns?",
    Category.KUBERNETES: r"\w*k8s|kubernetes|eks|gke|aks|helm|charts?|pod\w*|deployments?"
    r"|namespaces?|kustomiz\w*|argo ?cd|flux|helmrelease|kubeconfig|clusters?|crds?"
    r"|operators?|statefulsets?|daemonsets?|kubectl|annotations?|labels?",
    Category.STORAGE: r"s3|buckets?|ebs|volumes?|disks?|efs|zfs|backups?|snapshots?|storage"
    r"|retention|quota|tmpfs",
    Category.DELIVERY: r"ci|cd|pipelines?|workflows?|github actions?|runners?|builds?|builders?"
    r"|agents?|packer\S*|terraform|terrafrom|providers?|modules?|dependabot|renovate|updatecli"
    r"|releases?|changelogs?|flake\.lock|lock ?files?|dependenc(?:y|ies)|homebrew|formula"
    r"|manifests?|artifacts?|registry|ecr|images?|maven|nixpkgs|channels?|tarballs?",
    Category.COMPUTE: r"ec2|instances?|amis?|vms?|nodes?|lambda|asg|autoscaling"
    r"|memory|cpus?|workers?|hosts?|machines?|servers?",
    Category.COST: r"costs?|savings|spot|budgets?|billing|reserved instances?",
}
SECURITY_WORDS = _AREAS[Category.SECURITY]
_AREA = LazyPattern(
    "|".join(rf"(?P<{c.value}>(?<![\w.])(?:{words})(?!\w))" for c, words in _AREAS.items()),
    _I,
)
_TYPES = {"security": Category.SECURITY, "ci": Category.DELIVERY, "build": Category.DELIVERY}
_ENGINES: tuple[tuple[LazyPattern, Category], ...] = (
    (
        LazyPattern(r"postgres|mysql|mariadb|aurora|mongo|documentdb|opensearch|elastic", _I),
        Category.DATABASE,
    ),
    (LazyPattern(r"redis|valkey|memcached", _I), Category.CACHE),
    (
        LazyPattern(r"eks|kubernetes|k8s|karpenter|istio|coredns|vpc-cni|helm", _I),
        Category.KUBERNETES,
    ),
)
_POD_UNITS = LazyPattern(r"pods?|replicas?|node\s?group|deployment|statefulset|hpa", _I)
_SUPPORTING = (Category.SECURITY, Category.OBSERVABILITY)


def toggle_topic(feature: str | None) -> tuple[str, Category | None]:
    """What a toggled feature is about, and the category that implies (``None``: by service)."""
    for pattern, topic, category in _TOPICS:
        if feature and pattern.search(feature):
            return topic, category
    return Topic.OTHER, None


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
    if found.kind is ChangeKind.INSTANCE_CLASS:
        return Category.COMPUTE
    if facts.cleaned.type in _TYPES:
        return _TYPES[facts.cleaned.type]
    area = _AREA.search(" ".join((facts.cleaned.text, *facts.cleaned.scopes)))
    return Category(area.lastgroup) if area and area.lastgroup else Category.OTHER

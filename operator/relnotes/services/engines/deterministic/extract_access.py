"""Extractors for who and what may reach a resource: network rules, TLS, DNS, IAM, and cost.

Each returns ``None`` unless the summary carries its trigger words, so the dispatcher in
``facts`` can try them in priority order and take the first that recognises the change.
"""

import re

from relnotes.lazy_regex import LazyPattern
from relnotes.services.engines.deterministic import patterns as p
from relnotes.services.engines.deterministic.kinds import ChangeKind, Found, unique
from relnotes.services.engines.deterministic.verbs import find_verb

__all__ = ["cost", "dns", "iam", "network_rule", "tls"]

_I = re.IGNORECASE
_FIREWALL = LazyPattern(r"\b(?:security group|ingress|egress|nacl|firewall|waf)\b", _I)
_OPEN = ("opened", "allowed", "added", "exposed")
_NARROW = ("restricted", "limited", "tightened", "scoped")
_CLOSE = ("closed", "removed", "revoked", "blocked", "deleted", "dropped")
_TLS_WORDS = LazyPattern(r"\b(?:tls|ssl|certificates?|certs?|acm)\b", _I)
_DNS_WORDS = LazyPattern(
    r"\b(?:route\s?53|cname|hosted zone|alias record)\b|(?<![\w-])dns(?![\w-])", _I
)
_CDN_WORDS = LazyPattern(r"\b(?:cloudfront|cdn|cache|redis|elasticache)\b", _I)
_TTL_WORD = LazyPattern(r"\bttl\b", _I)
_IAM_WORDS = LazyPattern(
    r"\b(?:iam|irsa|roles?|permissions?|kms|secrets?|rotation|access keys?|mfa|least privilege"
    r"|service accounts?)\b|(?<!retention )(?<!lifecycle )(?<!scaling )\bpolic(?:y|ies)\b",
    _I,
)
_ID = r"`?([A-Za-z0-9][\w+=,@/.-]*[-_/][\w+=,@/.-]*[A-Za-z0-9])`?"
_NOUNS = r"(?:role|user|service account|secret|key|group)"
_IAM_NAME = LazyPattern(rf"\b(?P<n1>{_NOUNS})\s+{_ID}|{_ID}\s+(?P<n2>{_NOUNS})\b", _I)
_POLICY_NAME = LazyPattern(
    r"\b[Pp]olicy\s+`?([A-Z][A-Za-z0-9]*[A-Z][\w+=,.@-]*|[\w-]+[-_][\w-]+)`?"
    r"|\b`?([A-Z][A-Za-z0-9]*[A-Z][\w+=,.@-]*|[a-z0-9]+(?:[-_][\w]+)+)`?\s+(?:managed\s+)?[Pp]olicy\b"
)
_IAM_SUBJECTS: tuple[tuple[LazyPattern, str], ...] = tuple(
    (LazyPattern(pattern, _I), label)
    for pattern, label in (
        (r"\birsa\b", "IRSA"),
        (r"\bsecrets manager\b", "Secrets Manager secret"),
        (r"\bkms\b", "KMS key"),
        (r"\baccess keys?\b", "IAM access keys"),
        (r"\bmfa\b", "MFA"),
        (r"\brole\b", "IAM role"),
        (r"\bpolic(?:y|ies)\b", "IAM policy"),
        (r"\bsecrets?\b", "secret"),
        (r"\bpermissions?\b", "IAM permissions"),
    )
)
_COST_MEASURES: tuple[tuple[LazyPattern, str], ...] = tuple(
    (LazyPattern(pattern, _I), label)
    for pattern, label in (
        (r"\b(?:compute |ec2 instance |sagemaker )?savings plans?\b", "Savings Plans"),
        (r"\breserved (?:instances?|nodes?|capacity)\b|\bRIs?\b", "Reserved Instances"),
        (r"\bspot\b", "Spot capacity"),
        (r"\bright-?siz", "right-sizing"),
        (r"\blifecycle\b|\bglacier\b|\bdeep archive\b|\bintelligent-tiering\b", "lifecycle rules"),
        (r"\bgraviton\b", "Graviton migration"),
        (r"\bcosts?\b(?![-_ ](?:cent|alloc))|\bspend\b|\bsavings?\b", "cost reduction"),
    )
)
_TERM = LazyPattern(r"\b\d-year\b", _I)


def _first_of(table: tuple[tuple[LazyPattern, str], ...], text: str) -> str | None:
    """The label of the first pattern in ``table`` that matches ``text``."""
    return next((label for pattern, label in table if pattern.search(text)), None)


def _earliest(table: tuple[tuple[LazyPattern, str], ...], text: str) -> str | None:
    """The label whose pattern matches earliest in ``text`` (table order breaks ties)."""
    hits = [
        (m.start(), i, label)
        for i, (pattern, label) in enumerate(table)
        if (m := pattern.search(text))
    ]
    return min(hits)[2] if hits else None


def network_rule(text: str) -> Found | None:
    """Security-group and CIDR rules: "opened 443 from 10.0.0.0/16", "restricted SSH to ..."."""
    cidrs = unique([m.group(0) for m in p.CIDR.finditer(text)])
    port = next((m.group(1) or m.group(2) for m in p.PORT.finditer(text)), None)
    protocol = next((m.group(0) for m in p.PROTOCOL.finditer(text)), None)
    if not cidrs and not (_FIREWALL.search(text) and (port or protocol)):
        return None
    verb = find_verb(text, _OPEN + _NARROW + _CLOSE) or "updated"
    subject = f"port {port}" if port else protocol
    group = p.SECURITY_GROUP.search(text)
    old, new = (cidrs[0], cidrs[1]) if len(cidrs) >= 2 else (None, cidrs[0] if cidrs else None)
    extra = (protocol,) if protocol and port else ()
    return Found(
        ChangeKind.NETWORK_RULE,
        subject=subject,
        name=group.group(0) if group else None,
        old=old,
        new=new,
        values=extra,
        verb=verb,
        enabled=verb in _OPEN,
    )


def tls(text: str) -> Found | None:
    """Minimum TLS versions, TLS security policies and certificates."""
    versions = unique([m.group(0) for m in p.TLS_VERSION.finditer(text)])
    if not versions and not _TLS_WORDS.search(text):
        return None
    host = p.HOSTNAME.search(text)
    policy = p.SECURITY_POLICY.search(text)
    cert = re.search(r"\b(?:acm\s+)?certificates?\b|\bcerts?\b", text, _I)
    allowed = (
        "renewed",
        "replaced",
        "rotated",
        "imported",
        "issued",
        "attached",
        "enforced",
        "required",
        "set",
        "updated",
        "upgraded",
        "raised",
        "enabled",
        "added",
    )
    return Found(
        ChangeKind.TLS,
        subject=cert.group(0) if cert and not versions else None,
        name=host.group(0) if host else None,
        old=versions[0] if len(versions) >= 2 else None,
        new=versions[-1] if versions else None,
        values=(policy.group(0),) if policy else (),
        verb=find_verb(text, allowed) or "updated",
    )


def dns(text: str) -> Found | None:
    """Route 53 records: CNAME/A targets, aliases and TTLs."""
    named = _DNS_WORDS.search(text) or p.RECORD_TYPE.search(text)
    if not named and not (_TTL_WORD.search(text) and not _CDN_WORDS.search(text)):
        return None
    hosts = unique([m.group(0) for m in p.HOSTNAME.finditer(text)])
    record = p.RECORD_TYPE.search(text)
    ttl = p.TTL.search(text)
    if not hosts and not record and not ttl:
        return None
    values: tuple[str, ...] = ()
    if ttl:
        values = (ttl.group(1).strip(), ttl.group(2).strip()) if ttl.group(2) else (ttl.group(1),)
    return Found(
        ChangeKind.DNS,
        subject=record.group(1) if record else None,
        name=hosts[0] if hosts else None,
        new=hosts[1] if len(hosts) >= 2 else None,
        values=values,
        verb=find_verb(text) or "updated",
    )


def iam(text: str) -> Found | None:
    """IAM roles and policies, IRSA, KMS keys, secrets and their rotation."""
    if not _IAM_WORDS.search(text):
        return None
    arns = [m.group(0) for m in p.ARN.finditer(text)]
    rest = p.ARN.sub(" ", text)
    actions = [m.group(0) for m in p.IAM_ACTION.finditer(rest)]
    days = [m.group(0) for m in p.DAYS.finditer(rest)]
    policy = _POLICY_NAME.search(rest)
    named = _IAM_NAME.search(_POLICY_NAME.sub(" ", rest))
    return Found(
        ChangeKind.IAM,
        subject=_earliest(_IAM_SUBJECTS, p.IAM_ACTION.sub(" ", rest)),
        name=(named.group(2) or named.group(3)) if named else None,
        new=(policy.group(1) or policy.group(2)) if policy else None,
        values=unique(actions + arns + days),
        verb=find_verb(text) or "updated",
    )


def cost(text: str) -> Found | None:
    """Savings Plans, Spot, right-sizing and lifecycle transitions, with amounts verbatim."""
    hit = next(
        ((label, m) for pattern, label in _COST_MEASURES if (m := pattern.search(text))), None
    )
    if hit is None:
        return None
    measure, said = hit
    classes = unique([m.group(0) for m in p.INSTANCE_CLASS.finditer(text)])
    found = [m.group(0) for m in p.STORAGE_CLASS.finditer(text)]
    found += [m.group(0) for m in p.DAYS.finditer(text)]
    found += [m.group(0) for m in _TERM.finditer(text)]
    found += [m.group(0).strip() for m in p.MONEY.finditer(text)]
    found += [m.group(0) for m in p.PERCENT.finditer(text)]
    return Found(
        ChangeKind.COST,
        subject=measure,
        name=said.group(0),
        old=classes[0] if len(classes) >= 2 else None,
        new=classes[-1] if classes else None,
        values=unique(found),
        verb=find_verb(text) or "applied",
    )

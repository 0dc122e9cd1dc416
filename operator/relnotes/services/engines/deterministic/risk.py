"""Risk, from evidence in the summary and nothing else.

Risk is the highest of the following, then one step higher in production (except for tags and
monitoring, which cannot disturb traffic):
- high: a breaking marker (``!:``, "BREAKING", a warning emoji); a major version jump; a rule
  open to the internet; protection, encryption or backups switched off; a removal, deletion or
  retirement that names a data store (database, bucket, volume, cache, table);
- medium: any removal, deletion, drop, retirement, revocation or rollback; a security-sensitive
  object (IAM, policy, role, permission, access, secret, key, WAF, firewall, certificate,
  token); a version change whose major cannot be read; shrinking capacity or storage; a region
  move; a Spot move; a TLS policy change;
- low: everything else, including a summary with no evidence at all.
"""

import re

from relnotes.lazy_regex import LazyPattern
from relnotes.models.result import Risk
from relnotes.services.engines.deterministic.classify import SECURITY_WORDS, Topic, toggle_topic
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.kinds import ChangeKind

__all__ = ["is_production", "risk_of"]

_I = re.IGNORECASE
_DESTRUCTIVE = LazyPattern(
    r"\b(?:remov\w*|delet\w*|drop\w*|destroy\w*|retir\w*|purg\w*|decommission\w*"
    r"|truncat\w*|terminat\w*|revok\w*|disabl\w*|roll(?:ed|s|ing)? ?back|revert\w*|unban\w*)",
    _I,
)
_DATA = LazyPattern(
    r"\b(?:databases?|db|rds|postgres\w*|mysql|aurora|dynamodb|tables?|buckets?|s3|volumes?"
    r"|ebs|efs|backups?|snapshots?|redis|elasticache|caches?|data ?sets?|datasets?)\b",
    _I,
)
_SENSITIVE = LazyPattern(rf"(?<![\w.-])(?:{SECURITY_WORDS}|security groups?)(?![\w-])", _I)
_STEADY = frozenset({ChangeKind.TAGS, ChangeKind.OBSERVABILITY})
_LEVELS = (Risk.LOW, Risk.MEDIUM, Risk.HIGH)


def is_production(environment: str | None) -> bool:
    """Whether the environment name means production ("prod", "production", "eu-prod-2")."""
    return (
        environment is not None and re.search(r"prod|\bprd\b|\blive\b", environment, _I) is not None
    )


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
    return Risk.LOW


def _evidence_risk(facts: Facts) -> Risk:
    """Risk from words any summary can carry: breaking markers, removals, data, secrets."""
    text = facts.cleaned.text
    if facts.cleaned.breaking:
        return Risk.HIGH
    destructive = _DESTRUCTIVE.search(text) is not None
    if destructive and _DATA.search(text):
        return Risk.HIGH
    return Risk.MEDIUM if destructive or _SENSITIVE.search(text) else Risk.LOW


def risk_of(facts: Facts) -> Risk:
    """The change's risk: the highest evidence, one step higher in production."""
    risk = max(_base_risk(facts), _evidence_risk(facts), key=_LEVELS.index)
    steady = facts.kind in _STEADY or (
        facts.kind is ChangeKind.COST
        and facts.found.subject in ("Savings Plans", "Reserved Instances")
    )
    if steady or not is_production(facts.environment):
        return risk
    return _LEVELS[min(_LEVELS.index(risk) + 1, len(_LEVELS) - 1)]

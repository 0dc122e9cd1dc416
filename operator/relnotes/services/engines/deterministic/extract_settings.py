"""Extractors for a resource's settings: storage, switched features, monitoring and tags.

Like the other extractors they return ``None`` unless their trigger is present and copy every
value out of the summary verbatim.
"""

import re

from relnotes.lazy_regex import LazyPattern
from relnotes.services.engines.deterministic import patterns as p
from relnotes.services.engines.deterministic.kinds import ChangeKind, Found, unique
from relnotes.services.engines.deterministic.verbs import find_verb

__all__ = ["observability", "storage", "tags", "toggle"]

_I = re.IGNORECASE
_STORAGE_WORDS = LazyPattern(r"\b(?:storage|volumes?|disks?|allocated|ebs|throughput)\b", _I)
_OBS_SUBJECTS: tuple[tuple[LazyPattern, str], ...] = tuple(
    (LazyPattern(pattern, _I), label)
    for pattern, label in (
        (r"\bcloudwatch alarms?\b", "CloudWatch alarm"),
        (r"\balarms?\b|\balerts?\b|\balerting\b", "alarm"),
        (r"\blog retention\b|\bretention\b", "log retention"),
        (r"\bperformance insights\b", "Performance Insights"),
        (r"\bcontainer insights\b", "Container Insights"),
        (r"\bdashboards?\b", "dashboard"),
        (r"\btracing\b|\bx-ray\b", "tracing"),
        # not inside an identifier: "infra-fastly-logs" names a service, not its logs
        (r"(?<![\w-])(?:logging|logs)(?![\w-])", "logging"),
        (r"(?<![\w-])(?:monitoring|metrics?)(?![\w-])", "monitoring"),
    )
)


def storage(text: str) -> Found | None:
    """Volume types, IOPS, throughput and allocated size."""
    types = unique([m.group(0) for m in p.VOLUME_TYPE.finditer(text)])
    sizes = unique([m.group(0) for m in p.SIZE.finditer(text)])
    iops = unique([m.group(0) for m in p.IOPS.finditer(text)])
    if not types and not iops and not (sizes and _STORAGE_WORDS.search(text)):
        return None
    verb = find_verb(
        text,
        (
            "migrated",
            "moved",
            "increased",
            "resized",
            "changed",
            "switched",
            "raised",
            "reduced",
            "converted",
            "upgraded",
            "expanded",
            "set",
        ),
    )
    if len(types) >= 2:
        old, new, values = types[0], types[1], sizes + iops
    elif len(sizes) >= 2:
        old, new, values = sizes[0], sizes[1], types + iops
    else:
        old, new, values = None, None, types + sizes + iops
    return Found(ChangeKind.STORAGE, old=old, new=new, values=values, verb=verb or "updated")


def toggle(text: str) -> Found | None:
    """A feature switched on or off: "enabled Multi-AZ", "turned off public access"."""
    match = p.TOGGLE.search(text)
    if not match:
        return None
    enabled = re.fullmatch(p.ENABLE_VERB, match.group("verb"), _I) is not None
    feature = match.group("feature").strip()
    return Found(
        ChangeKind.TOGGLE,
        subject=feature,
        enabled=enabled,
        verb="enabled" if enabled else "disabled",
    )


def observability(text: str) -> Found | None:
    """Alarms, dashboards, log retention, tracing and insights."""
    subject = next((label for pattern, label in _OBS_SUBJECTS if pattern.search(text)), None)
    if subject is None:
        return None
    days = unique([m.group(0) for m in p.DAYS.finditer(text)])
    found = [m.group(0) for m in p.METRIC.finditer(text)]
    found += [m.group(0).strip() for m in p.THRESHOLD.finditer(text)]
    old, new = (days[0], days[1]) if len(days) >= 2 else (None, days[0] if days else None)
    period = p.PERIOD_CHANGE.search(text)
    if period:
        old, new = period.group(1), period.group(2)
    return Found(
        ChangeKind.OBSERVABILITY,
        subject=subject,
        old=old,
        new=new,
        values=unique(found),
        verb=find_verb(text) or "updated",
    )


def tags(text: str) -> Found | None:
    """Tag-only changes, with any ``key=value`` pairs verbatim."""
    if not re.search(r"\btag(?:s|ged|ging)?\b|\blabels?\b", text, _I):
        return None
    pairs = unique([m.group(0) for m in p.TAG_PAIR.finditer(text)])
    return Found(ChangeKind.TAGS, values=pairs, verb=find_verb(text) or "updated")

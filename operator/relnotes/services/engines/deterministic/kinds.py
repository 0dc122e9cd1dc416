"""The kinds of change the writer recognises, and what an extractor reports for one.

Extractors only ever copy text out of the summary into a ``Found``; nothing in it is computed or
guessed. A kind never writes the note (the note is the summary itself, see ``sentences``); it
picks concrete scenarios and is evidence for category and risk.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ChangeKind", "Found", "unique"]


class ChangeKind(StrEnum):
    """What sort of change a summary describes; picks the scenarios, informs category and risk."""

    INSTANCE_CLASS = "instance_class"
    VERSION = "version"
    TOGGLE = "toggle"
    SCALING = "scaling"
    REGION = "region"
    NETWORK_RULE = "network_rule"
    DNS = "dns"
    TLS = "tls"
    IAM = "iam"
    COST = "cost"
    STORAGE = "storage"
    OBSERVABILITY = "observability"
    TAGS = "tags"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Found:
    """The verbatim values one extractor pulled out of a summary.

    ``subject`` is what changed (a feature, engine, record type, measure), ``name`` an identifier
    of the resource (a hostname, security group id, role name), ``old``/``new`` the before and
    after values, ``values`` any further verbatim details, ``verb`` the summary's own past-tense
    verb when the writer knows it, and ``enabled`` whether a toggle was switched on or off.
    """

    kind: ChangeKind
    subject: str | None = None
    name: str | None = None
    old: str | None = None
    new: str | None = None
    values: tuple[str, ...] = ()
    verb: str | None = None
    enabled: bool | None = None


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order without repeats (case-insensitive), stripped of whitespace."""
    seen: set[str] = set()
    kept: list[str] = []
    for item in items:
        cleaned = " ".join(item.split())
        if cleaned and cleaned.lower() not in seen:
            seen.add(cleaned.lower())
            kept.append(cleaned)
    return tuple(kept)

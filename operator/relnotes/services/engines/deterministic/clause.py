"""The pieces a note sentence is built from, and how they name the changed resource.

A ``Clause`` separates the verb, the thing acted on and the rest, because the three tones put
them in different orders ("Upgraded X from A to B", "X was upgraded from A to B", "We bumped X
from A to B") while the facts inside ``target`` and ``rest`` must stay identical.
"""

import re
from dataclasses import dataclass

from relnotes.services.engines.deterministic.facts import Facts

__all__ = ["Clause", "from_to", "join", "location", "resource", "size_rank"]


@dataclass(frozen=True, slots=True)
class Clause:
    """One note: ``verb`` (past participle), ``target`` (what changed), ``rest`` (how).

    ``casual`` is a lighter verb for the casual tone, ``plural`` picks "were" over "was" in the
    formal passive, and ``watch`` is what operators should keep an eye on afterwards.
    """

    verb: str
    target: str
    rest: str = ""
    casual: str | None = None
    plural: bool = False
    watch: str | None = None


def join(*parts: str | None) -> str:
    """Non-empty parts joined by single spaces."""
    return " ".join(" ".join(part.split()) for part in parts if part and part.strip())


def resource(facts: Facts, *, plain: bool = False, noun: str | None = None) -> str | None:
    """ "the production RDS instance" (or "the production database" for customers).

    Without a named service, ``noun`` stands in ("the production instances"); without either,
    there is nothing honest to say and the result is ``None``.
    """
    service = facts.service
    label = (service.plain if plain else service.label) if service else noun
    if label is None:
        return None
    return join("the", facts.environment, label)


def location(facts: Facts, *, plain: bool = False, preposition: str = "on") -> str:
    """Where the change happened: "on the production RDS instance", "in production", or ""."""
    where = resource(facts, plain=plain)
    if where:
        return f"{preposition} {where}"
    return f"in {facts.environment}" if facts.environment else ""


def from_to(old: str | None, new: str | None) -> str:
    """ "from A to B", "to B", or "" when neither value is known."""
    if old and new:
        return f"from {old} to {new}"
    return f"to {new}" if new else ""


_SIZES = {"nano": 0, "micro": 1, "small": 2, "medium": 3, "large": 4, "xlarge": 5, "metal": 99}


def size_rank(value: str | None) -> float | None:
    """Order instance sizes ("t3.micro" < "m5.2xlarge") or vCPU counts; ``None`` if unknown."""
    if not value:
        return None
    amount = re.fullmatch(r"(\d+)\s*(vCPU|MB|MiB|GB|GiB)", value, re.IGNORECASE)
    if amount:
        scale = 1024 if amount.group(2).lower() in ("gb", "gib") else 1
        return float(amount.group(1)) * scale
    size = value.rsplit(".", 1)[-1].lower()
    multiple = re.fullmatch(r"(\d+)xlarge", size)
    if multiple:
        return 5 + int(multiple.group(1)) / 100 + 0.5
    return float(_SIZES[size]) if size in _SIZES else None

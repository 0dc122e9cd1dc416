"""The AWS services the writer recognises, and how it names and inspects each one.

A service is only reported when the summary names it (or an instance class prefix such as ``db.``
implies the kind of resource), so the note never attributes a change to a service the user did not
mention. The table order is the tie-break: concrete resources come before supporting services, so
"enabled KMS encryption on the S3 bucket" is about S3. The label reuses the summary's own noun
("node group" rather than "cluster") and the resource's name when it has one ("bastion").
"""

import re
from dataclasses import dataclass, replace

from relnotes.lazy_regex import LazyPattern
from relnotes.models.result import Category
from relnotes.services.engines.deterministic.service_table import ROWS
from relnotes.services.engines.deterministic.verbs import to_past_tense

__all__ = ["IMPLIED_CACHE", "IMPLIED_DATABASE", "SERVICES", "Service", "find_service"]


@dataclass(frozen=True, slots=True)
class Service:
    """One service: how scenarios name it, its category, and how to inspect it."""

    key: str
    label: str
    category: Category
    describe: str
    short: str = ""
    nouns: tuple[str, ...] = ()


def _row(row: tuple[str, str, str, str, str, str]) -> tuple[LazyPattern, Service]:
    """One table row as a compiled pattern and its ``Service``."""
    key, pattern, short, nouns, category, cli = row
    nouns_ = tuple(nouns.split(","))
    service = Service(key, "", Category(category), f"aws {cli}", short, nouns_)
    return LazyPattern(pattern, re.IGNORECASE), service


def _verbatim(word: str) -> str:
    """The service name as the summary wrote it, acronyms upper-cased ("alb" -> "ALB")."""
    if not word.islower():
        return word
    return word.upper() if len(word) <= 3 else word[:1].upper() + word[1:]


#: (pattern, service) in priority order; the first service the summary mentions wins.
SERVICES: tuple[tuple[LazyPattern, Service], ...] = tuple(_row(row) for row in ROWS)
IMPLIED_DATABASE = Service(
    "rds",
    "database instance",
    Category.DATABASE,
    "aws rds describe-db-instances",
    "database",
    ("instance",),
)
IMPLIED_CACHE = Service(
    "elasticache",
    "cache cluster",
    Category.CACHE,
    "aws elasticache describe-replication-groups",
    "cache",
    ("cluster",),
)

_I = re.IGNORECASE
_NOT_NAMES = frozenset(
    {
        *("the", "a", "an", "our", "its", "their", "this", "that", "new", "old", "existing"),
        *("all", "both", "each", "every", "same", "prod", "production", "staging", "stage"),
        *("dev", "development", "to", "on", "for", "of", "in", "from", "and", "with", "into"),
        *("onto", "aws", "k8s", "kubernetes"),
    }
)


def _name_before(text: str, short: str, noun: str) -> str | None:
    """The resource's own name next to its noun ("the bastion security group" -> "bastion")."""
    word, kind, what = r"([a-z0-9][\w-]*)", re.escape(short), re.escape(noun)
    together = r"\s+".join(re.escape(part) for part in (short, noun) if part)
    shapes = [rf"\b{word}\s+{together}\b"]
    if short and noun:
        shapes += [rf"\b{kind}\s+{word}\s+{what}\b", rf"\b{word}\s+{what}\b"]
    for shape in shapes:
        for match in re.finditer(shape, text, _I):
            name = match.group(1)
            known = name in _NOT_NAMES or name == short.lower() or to_past_tense(name) is not None
            if name.islower() and not known:
                return name
    return None


def find_service(text: str) -> Service | None:
    """The highest-priority service the text names, labelled with its noun and name."""
    for pattern, service in SERVICES:
        match = pattern.search(text)
        if match is None:
            continue
        short = _verbatim(match.group(0)) if service.short == "*" else service.short
        said = (n for n in service.nouns if n and re.search(rf"\b{re.escape(n)}\b", text, _I))
        noun = next(said, service.nouns[0])
        name = _name_before(text, short, noun)
        label = " ".join(part for part in (name, short, noun) if part)
        return replace(service, label=label, short=short)
    return None

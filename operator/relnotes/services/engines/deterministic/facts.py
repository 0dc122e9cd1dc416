"""Turn a spec into ``Facts``: the cleaned summary, its change kind and the values it carries.

Extractors are tried in a fixed priority order (the most specific evidence first: a CIDR beats a
mention of a port, two instance classes beat a lone one), and the first that recognises the
summary decides the kind, which picks concrete scenarios and informs category and risk; the
note itself is always the whole summary (``sentences``). Nothing here depends on dict or set
iteration order, so the result is a pure function of the spec.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from relnotes.lazy_regex import LazyPattern
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.engines.deterministic import extract_access as access
from relnotes.services.engines.deterministic import extract_resources as resources
from relnotes.services.engines.deterministic import extract_settings as settings
from relnotes.services.engines.deterministic.clean import Cleaned, clean
from relnotes.services.engines.deterministic.kinds import ChangeKind, Found
from relnotes.services.engines.deterministic.patterns import ENVIRONMENTS, INSTANCE_CLASS
from relnotes.services.engines.deterministic.services import (
    IMPLIED_CACHE,
    IMPLIED_DATABASE,
    Service,
    find_service,
)
from relnotes.services.engines.deterministic.verbs import first_sentence

__all__ = ["EXTRACTORS", "Facts", "extract_facts", "find_environment"]

Extractor = Callable[[str], Found | None]

#: Extractors in priority order; the first to return a ``Found`` decides the kind.
EXTRACTORS: tuple[Extractor, ...] = (
    access.network_rule,
    access.tls,
    access.dns,
    access.cost,
    resources.version,
    resources.instance_class,
    settings.storage,
    resources.scaling,
    partial(resources.version, target_only=True),
    partial(resources.instance_class, single=True),
    resources.region,
    settings.toggle,
    access.iam,
    settings.observability,
    settings.tags,
)


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the writer knows about one change; all strings are copied from the input."""

    found: Found
    service: Service | None
    environment: str | None
    component: str | None
    version: str | None
    summary: str
    cleaned: Cleaned

    @property
    def kind(self) -> ChangeKind:
        """The recognised kind of change."""
        return self.found.kind


#: Where an environment word names the environment the change happened in: after "in", "to",
#: "on", ... ("in staging"), before an infrastructure noun ("the prod RDS instance"), or alone.
#: "staging image link" or "prod zulip bots" use the word for something else.
_AS_PLACE = LazyPattern(r"(?:\b(?:in|into|to|on|from|for|across|of)\s+(?:the\s+)?)$", re.I)
_PLACE_NOUN = LazyPattern(
    r"^\s*(?:(?:rds|eks|ec2|ebs|efs|vpc|alb|elb|nlb|s3|elasticache|redis|postgres\w*|mysql|aurora"
    r"|k8s|kubernetes|aws|gcp|azure|api|web|app|cluster|clusters|node|nodes|node group|instances?"
    r"|db|databases?|account|environment|env|deployments?|namespaces?|buckets?|volumes?|servers?"
    r"|hosts?|pipeline|workers?|security group|load balancer|cache|cdn|dns|domain|stack|site)\b"
    r"|\s*$|[,.;:])",
    re.I,
)


def find_environment(text: str) -> str | None:
    """The first environment the text names as a place ("prod" -> "production"), else ``None``."""
    hits = [
        (m.start(), name)
        for pattern, name in ENVIRONMENTS
        for m in pattern.finditer(text)
        if _AS_PLACE.search(text[: m.start()]) or _PLACE_NOUN.match(text[m.end() :])
    ]
    return min(hits)[1] if hits else None


def _implied_service(text: str) -> Service | None:
    """A service implied by an instance class prefix (``db.``, ``cache.``), never guessed."""
    for match in INSTANCE_CLASS.finditer(text):
        prefix = match.group(0).lower()
        if prefix.startswith("db."):
            return IMPLIED_DATABASE
        if prefix.startswith("cache."):
            return IMPLIED_CACHE
    return None


def extract_facts(spec: ReleaseNoteSpec) -> Facts:
    """The facts of ``spec``: kind and values from its cleaned summary, context from its fields."""
    cleaned = clean(spec.change_summary)
    text = cleaned.text
    found = next(
        (result for extractor in EXTRACTORS if (result := extractor(text)) is not None),
        Found(ChangeKind.UNKNOWN),
    )
    return Facts(
        found=found,
        service=find_service(text) or _implied_service(text),
        environment=spec.environment or find_environment(text),
        component=spec.component,
        version=spec.version,
        summary=first_sentence(text),
        cleaned=cleaned,
    )

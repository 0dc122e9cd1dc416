"""The release-note sentence: the whole summary, normalised, never a template that replaces it.

The text comes from ``normalise`` (every clause, past tense, one sentence) after ``clean`` took
the tool noise away. What the spec adds beside the summary (the environment, a commit scope,
the component, the release) is woven in once, only if the summary does not already say it.
Tone moves words (formal: passive when the summary has one verb, an object and a tail that
cannot belong to it; casual: "We ..."); customers get internal identifiers in plain words;
operators get what to watch, by category.
"""

import re

from relnotes.lazy_regex import LazyPattern
from relnotes.models.result import MAX_NOTE, Category
from relnotes.models.spec import Audience, Tone
from relnotes.services.engines.deterministic.clean import Cleaned
from relnotes.services.engines.deterministic.normalise import (
    capitalised,
    is_plural,
    normalise,
    split_object,
)
from relnotes.services.engines.deterministic.patterns import (
    ARN,
    CIDR,
    IAM_ACTION,
    INSTANCE_CLASS,
    SECURITY_GROUP,
)

__all__ = ["fit", "size_rank", "write_sentence"]

_I = re.IGNORECASE
_TRAILING = LazyPattern(
    r"[\s,;:(\-]+(?:and|or|with|from|to|on|in|for|the|a|an|of|by)?$", re.IGNORECASE
)
_CLASS_CHANGE = LazyPattern(
    rf"\bfrom\s+({INSTANCE_CLASS.pattern})\s+(?:->|→|=>|to)\s+({INSTANCE_CLASS.pattern})", _I
)
_SIZES = {"nano": 0, "micro": 1, "small": 2, "medium": 3, "large": 4, "xlarge": 5, "metal": 99}
_WATCH = {
    Category.DATABASE: "connections, replication lag and query latency",
    Category.CACHE: "hit rate, evictions and connection errors",
    Category.KUBERNETES: "pod restarts, Pending pods and rollout status",
    Category.NETWORK: "connection errors and rejected traffic",
    Category.DNS: "resolution failures and NXDOMAIN answers",
    Category.SECURITY: "access-denied errors and audit logs",
    Category.STORAGE: "I/O latency and free space",
    Category.OBSERVABILITY: "missing data points and alert noise",
    Category.DELIVERY: "pipeline runs and failed jobs",
}
#: A tail that cannot belong to the object, so the passive keeps the meaning: "from A to B",
#: "to 1.30", "on the cluster", "in production".
_DETACHED = LazyPattern(r"(?:from|on|in|into|across|via)\s|to\s+\S*\d", _I)
_SHORTEST = 10  # NoteDraft's shortest release note


def size_rank(value: str) -> float | None:
    """Order instance sizes ("t3.micro" < "m5.2xlarge"); ``None`` if unknown."""
    size = value.rsplit(".", 1)[-1].lower()
    multiple = re.fullmatch(r"(\d+)xlarge", size)
    if multiple:
        return 5 + int(multiple.group(1)) / 100 + 0.5
    return float(_SIZES[size]) if size in _SIZES else None


def _plain(text: str) -> str:
    """Internal identifiers in plain words, for customers."""

    def resize(match: re.Match[str]) -> str:
        old, new = size_rank(match.group(1)), size_rank(match.group(2))
        if old is None or new is None or old == new:
            return "to a different instance size"
        return f"to a {'larger' if new > old else 'smaller'} instance size"

    text = _CLASS_CHANGE.sub(resize, text)
    text = INSTANCE_CLASS.sub("a new instance size", text)
    text = ARN.sub("an internal resource", text)
    text = CIDR.sub("an internal network range", text)
    text = SECURITY_GROUP.sub("a security group", text)
    return IAM_ACTION.sub("a permission", text)


def _mentioned(value: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text, _I) is not None


def _context(text: str, tone: Tone, where: tuple[str | None, ...], version: str | None) -> str:
    """``where`` is (environment, *commit scopes, component), each added once if unsaid."""
    environment, *scopes, component = where
    parts = [text]
    for place in dict.fromkeys(p for p in (environment, *scopes) if p):
        if not _mentioned(place, " ".join(parts)):
            parts.append(f"in {place}")
    if component and not _mentioned(component, " ".join(parts)):
        parts.append(
            f"for the {component} component" if tone is Tone.FORMAL else f"for {component}"
        )
    if version:
        parts.append(
            {
                Tone.FORMAL: f"as part of release {version}",
                Tone.CASUAL: f"- shipping in {version}",
            }.get(tone, f"in {version}")
        )
    return " ".join(parts)


def _formal(text: str) -> str | None:
    """ "The X was resized from A to B" from "Resized the X from A to B", when that is safe."""
    parts = split_object(text)
    if parts is None:
        return None
    verb, subject, tail = parts
    if tail and not _DETACHED.match(tail):  # "access to production", "retention for waf logs"
        return None
    was = "were" if is_plural(subject) else "was"
    return " ".join(filter(None, (capitalised(subject), was, verb, tail)))


def _voiced(text: str, tone: Tone, leads: bool, several: bool) -> str:
    if tone is Tone.CASUAL and leads:
        return (
            "We " + text[:1].lower() + text[1:] if text.split(" ", 1)[0].istitle() else "We " + text
        )
    if tone is Tone.FORMAL and leads and not several:
        return _formal(text) or text
    return text


def fit(sentence: str, limit: int = MAX_NOTE) -> str:
    """End ``sentence`` with one full stop, cut at a word boundary so it fits ``limit``.

    A cut never leaves a dangling connector ("... from.") or an unclosed parenthesis.
    """
    sentence = " ".join(sentence.split()).rstrip(" .;,:-")
    if len(sentence) + 1 > limit:
        cut = sentence[: limit - 1]
        if not sentence[limit - 1 : limit].isspace() and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        if cut.count("(") > cut.count(")"):
            cut = cut[: cut.rindex("(")]
        previous = None
        while previous != cut:
            previous, cut = cut, _TRAILING.sub("", cut).rstrip(" .;,:-")
        sentence = cut
    return sentence + "."


def write_sentence(
    cleaned: Cleaned,
    *,
    implied: str | None,
    tone: Tone,
    audience: Audience,
    where: tuple[str | None, ...],
    version: str | None,
    category: Category,
) -> str:
    """The note: the normalised summary in the tone, with context; operators get what to watch."""
    text, leads, several = normalise(cleaned, implied)
    if audience is Audience.CUSTOMERS:
        text = _plain(text)
    sentence = _context(_voiced(text, tone, leads, several), tone, where, version)
    if len(fit(sentence)) < _SHORTEST:  # "Set cost." is shorter than a note may be
        sentence = fit(sentence)[:-1] + " - no further detail given"
    if audience is Audience.OPERATORS:
        watch = _WATCH.get(category, "error rates and latency")
        hint = f" - keep an eye on {watch}" if tone is Tone.CASUAL else f"; watch {watch}"
        if len(sentence + hint) < MAX_NOTE:
            return fit(sentence + hint)
    return fit(sentence)

"""Strip what a change line carries for tools, not readers: prefixes, references, emoji, tickets.

Commit subjects and changelog lines arrive as ``feat(vpc)!: add endpoint (#123)``,
``[pdc-agent] add podAnnotations support``, ``hydra: reduce eval worker memory to 4G``,
``:sparkles: ...`` or ``PROJ-42: ...``. What is noise goes (the type word, PR and issue numbers,
URLs, emoji, ticket keys, ``[skip ci]``); what is information is kept and handed back: the scope
names the component, and a ``!`` or a warning emoji marks a breaking change.
"""

import re
import unicodedata
from dataclasses import dataclass

from relnotes.lazy_regex import LazyPattern

__all__ = ["Cleaned", "clean"]

_I = re.IGNORECASE
_TYPES = (
    r"feat|feature|fix|bugfix|hotfix|chore|docs?|ci|build|refactor|perf|tests?|style|revert"
    r"|deps|security|cleanup|bump|release|wip|ops|infra"
)
_CONVENTIONAL = LazyPattern(
    rf"^(?P<type>{_TYPES})(?:\((?P<scope>[^)]{{1,60}})\))?(?P<bang>!)?:\s*"
    rf"|^(?P<type2>{_TYPES})\((?P<scope2>[^)]{{1,60}})\)(?P<bang2>!)?\s+",
    _I,
)
_BRACKET = LazyPattern(r"^\[(?P<scope>[^\]\s][^\]]{0,60})\]:?\s*")
_AREA = LazyPattern(r"^(?P<scope>[\w.@/-]+(?: [\w.@/-]+){0,2}):\s+")
_TICKET_HEAD = LazyPattern(r"^\[?[A-Z][A-Z0-9]+-\d+\]?:?\s+")
_NOISE = LazyPattern(
    r"\s*\((?:[\w.-]+/[\w.-]+)?#\d+\)"  # (#123), (org/repo#123)
    r"|\s*\b(?i:closes|fixes|resolves|refs?|see)\s+(?:[\w.-]+/[\w.-]+)?#\d+\b"
    r"|\s*\[(?i:skip ci|ci skip|no ci|skip-ci)\]"
    r"|\s*(?:[-\u2013\u2014:]\s*|\b(?i:see)\s+)?\(?https?://\S+\)?"
    r"|\s+#\d+\b(?=\s*$)"
    r"|\s*\(?\b[A-Z][A-Z0-9]+-\d+\)?\s*$"  # a trailing ticket key: upper case only
)
_SHORTCODE = LazyPattern(r"(?<!\S):[a-z0-9_+-]+:(?!\S)")
_BREAKING_MARKS = LazyPattern(r"⚠|💥|🚨|:warning:|:boom:|\bBREAKING(?: CHANGE)?\b:?", _I)
_DEPS_SCOPES = frozenset({"deps", "deps-dev", "dependencies", "main", "master", "release"})
_NOT_SCOPES = LazyPattern(r"^(?:note|warning|breaking(?: change)?|update|todo|nb)$", _I)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The readable change text, the scopes its prefixes named, its type word, breaking or not."""

    text: str
    scopes: tuple[str, ...] = ()
    type: str | None = None
    breaking: bool = False


def _without_emoji(text: str) -> str:
    text = _SHORTCODE.sub(" ", text)
    if text.isascii():
        return text
    return "".join(
        " " if unicodedata.category(ch) == "So" or ch in "\ufe0f\u200d" else ch for ch in text
    )


def _strip_prefixes(text: str) -> tuple[str, list[str], str | None, bool]:
    scopes: list[str] = []
    kind: str | None = None
    bang = False
    while True:
        text = _TICKET_HEAD.sub("", text)
        match = _CONVENTIONAL.match(text)
        if match is not None:
            kind = kind or (match.group("type") or match.group("type2")).lower()
            bang = bang or "!" in match.group(0)
            scope = match.group("scope") or match.group("scope2")
        else:
            match = _BRACKET.match(text) or _AREA.match(text)
            if match is None or _NOT_SCOPES.match(match.group("scope")):
                return text, scopes, kind, bang
            scope = match.group("scope")
        if scope and scope.lower() not in _DEPS_SCOPES:
            scopes += [s.strip() for s in scope.split(",") if s.strip()]
        text = text[match.end() :]


def clean(summary: str) -> Cleaned:
    """``summary`` without prefixes, references and emoji, as one line."""
    breaking = _BREAKING_MARKS.search(summary) is not None
    text = _BREAKING_MARKS.sub(" ", summary)
    text = " ".join(_without_emoji(text).split())
    text, scopes, kind, bang = _strip_prefixes(text)
    previous = None
    while previous != text:
        previous, text = text, _NOISE.sub("", text).strip()
    text = text.strip(" -\u2013\u2014:;,")
    if not text and scopes:  # "flake.lock: #123" leaves only the scope
        text, scopes = scopes[-1], scopes[:-1]
    return Cleaned(text or summary.strip(), tuple(dict.fromkeys(scopes)), kind, breaking or bang)

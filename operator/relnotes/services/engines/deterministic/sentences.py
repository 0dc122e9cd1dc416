"""The release-note sentence: the whole summary, normalised, never a template that replaces it.

Every clause of the summary stays: its verbs are put in the past tense (only verbs the summary
itself uses, so a rollback stays a rollback), its sentences become one, tool noise goes (see
``clean``), "prod" is spelled "production", and what the spec adds beside the summary (the
environment, the component or a commit scope, the release) is woven in once, only if the
summary does not already say it. Tone moves words (formal: passive when the summary has one
verb and an object; casual: "We ..."); customers get internal identifiers in plain words;
operators get what to watch, by category.
"""

import re
from functools import lru_cache

from relnotes.models.result import MAX_NOTE, Category
from relnotes.models.spec import Audience, Tone
from relnotes.services.engines.deterministic.clean import Cleaned
from relnotes.services.engines.deterministic.kinds import ChangeKind, Found
from relnotes.services.engines.deterministic.patterns import (
    ARN,
    CIDR,
    IAM_ACTION,
    INSTANCE_CLASS,
    SECURITY_GROUP,
)
from relnotes.services.engines.deterministic.verbs import PAST, find_verb, past_of_form

__all__ = [
    "capitalised",
    "fit",
    "implied_verb",
    "is_plural",
    "normalise",
    "object_of",
    "size_rank",
    "write_sentence",
]

_I = re.IGNORECASE
_JOINER = re.compile(r"(?:,|;|\s(?:and|&|\+|then|and then))\s+(?=\w)", _I)
_PROD = re.compile(r"(?<![\w.@/-])prod(?![\w.@/-])", _I)
_OBJECT_END = re.compile(
    r"\s(?:from|to|on|in|for|at|with|by|into|across|via|so|because|after|before|as)\s"
    r"|[,;]|:\s|\s\(",
    _I,
)
_TRAILING = re.compile(
    r"[\s,;:(\-]+(?:and|or|with|from|to|on|in|for|the|a|an|of|by)?$", re.IGNORECASE
)
_CLASS_CHANGE = re.compile(
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
_PAST_FORMS = frozenset(PAST.values())
#: A tail that cannot belong to the object, so the passive keeps the meaning: "from A to B",
#: "to 1.30", "on the cluster", "in production".
_DETACHED = re.compile(r"(?:from|on|in|into|across|via)\s|to\s+\S*\d", _I)
_LEADING_JOIN = re.compile(r"\s*(?:,|and|&|\+)\s+", _I)
_LEADING_PREPOSITION = re.compile(r"^(?:to|from|on|in|for|at|with|into)\s+", _I)
_SHORTEST = 10  # NoteDraft's shortest release note
_IMPLIED = {ChangeKind.SCALING: "scaled", ChangeKind.INSTANCE_CLASS: "resized"}


def size_rank(value: str) -> float | None:
    """Order instance sizes ("t3.micro" < "m5.2xlarge"); ``None`` if unknown."""
    size = value.rsplit(".", 1)[-1].lower()
    multiple = re.fullmatch(r"(\d+)xlarge", size)
    if multiple:
        return 5 + int(multiple.group(1)) / 100 + 0.5
    return float(_SIZES[size]) if size in _SIZES else None


def _shape(word: str) -> str:
    """Which form a verb is in: "ing", "ed" (past), "s" (third person) or "base"."""
    lowered = word.lower()
    if lowered.endswith("ing"):
        return "ing"
    if lowered in _PAST_FORMS and PAST.get(lowered) == lowered and not lowered.endswith("t"):
        return "ed"
    if lowered.endswith("s") and not lowered.endswith("ss"):
        return "s"
    return "base"


def _past_clauses(text: str) -> tuple[str, bool]:
    """The text with its leading verb, and each joined clause's verb in the same form, in the past.

    Returns whether a joined clause opens with a verb ("... and enabled Y"): such a sentence
    has several actions and no single object. A joined word in another form than the leading
    verb ("Add alerts, logs and metrics") is a noun and stays as written.
    """
    head = past_of_form(text)
    if head is None:
        return text, False
    shape = _shape(text.split(None, 1)[0])
    out, start, several = [head[0]], head[1], False
    for joiner in _JOINER.finditer(text, head[1]):
        verb = past_of_form(text, joiner.end())
        if verb is None:
            continue
        several = True
        if _shape(text[joiner.end() :].split(None, 1)[0]) == shape:
            out += [text[start : joiner.end()], verb[0]]
            start = verb[1]
    out.append(text[start:])
    return "".join(out), several


def capitalised(text: str) -> str:
    """Upper-case a leading ordinary word ("upgraded" -> "Upgraded"), never an identifier."""
    head = text.split(" ", 1)[0].replace("-", "")
    return text[:1].upper() + text[1:] if head.isalpha() and head.islower() else text


def implied_verb(found: Found) -> str | None:
    """The verb a verbless "redis 7.0 → 7.1" or "replicas 2→4" states with its two values."""
    if not (found.old and found.new):
        return None
    if found.kind is ChangeKind.VERSION:
        old, new = (tuple(int(n) for n in re.findall(r"\d+", v)) for v in (found.old, found.new))
        return "upgraded" if new > old else "downgraded" if new < old else None
    return _IMPLIED.get(found.kind)


@lru_cache(maxsize=256)  # the note and the object scenarios both start from it
def normalise(cleaned: Cleaned, implied: str | None = None) -> tuple[str, bool, bool]:
    """One past-tense line of the cleaned summary; whether it opens with a verb, and has several.

    A summary with no verb at all takes ``implied`` (see ``implied_verb``) in front."""
    sentences = [s.strip().rstrip(".!?;:,") for s in re.split(r"(?<=[.!?])\s+", cleaned.text)]
    text = "; ".join(s for s in sentences if s)
    text = _PROD.sub(lambda m: "Production" if m.group()[0].isupper() else "production", text)
    text, several = _past_clauses(text)
    leads = past_of_form(text) is not None
    if leads and cleaned.scopes:
        verb = past_of_form(text)
        end = verb[1] if verb else 0
        rest = text[end:].strip()
        if not rest or re.match(
            r"(?:to|from)\s", rest, _I
        ):  # "flake.lock: Update", "[x] bump to 2"
            text = " ".join(filter(None, (text[:end], cleaned.scopes[0], rest)))
    if not leads and implied and find_verb(text) is None:
        text = f"{implied} {text}"
        leads = True
    if not leads and cleaned.type in ("fix", "bugfix", "hotfix", "revert"):
        text = f"{'reverted' if cleaned.type == 'revert' else 'fixed'} {text}"
        leads = True
    return capitalised(text), leads, several


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


def _split_object(text: str) -> tuple[str, str, str] | None:
    """(verb, object, tail) of "Resized the X from A to B", or ``None`` without a short object."""
    verb = past_of_form(text)
    if verb is None:
        return None
    rest = text[verb[1] :].lstrip()
    cut = _OBJECT_END.search(rest)
    subject = (rest[: cut.start()] if cut else rest).strip()
    if not subject or len(subject.split()) > 8:
        return None
    return verb[0], subject, rest[len(subject) :].lstrip() if cut else ""


def object_of(text: str) -> str | None:
    """What a normalised note acts on: its verb's object, or the whole of a short verbless line.

    The object is the shortest run after the verb (and any verbs joined to it, "caught and
    discarded requests") that ends at a preposition and holds two words with letters ("2 on
    demand nodes", "retention for waf logs"), or one if that is all there is.
    """
    verb = past_of_form(text)
    if verb is None:
        return text if len(text.split()) <= 8 else None
    rest = text[verb[1] :]
    while (joined := _LEADING_JOIN.match(rest)) and (more := past_of_form(rest, joined.end())):
        rest = rest[more[1] :]
    padded = " " + _LEADING_PREPOSITION.sub("", rest.strip())
    ends = [m.start() for m in _OBJECT_END.finditer(padded)] + [len(padded)]
    found = [padded[:end].strip() for end in ends if re.search(r"[^\W\d_]{2}", padded[:end])]
    best = next((c for c in found if len(c.split()) >= 2), found[0] if found else None)
    return best if best and len(best.split()) <= 8 else None


def is_plural(thing: str) -> bool:
    """Whether a noun phrase takes "were"/"reflect": "Tags ... and ...", "the staging instances"."""
    if re.search(r"\s(?:and|&|\+)\s", thing):
        return True
    head = re.split(r"\s(?:for|of|in|on|to|from|with|by)\s", thing, maxsplit=1)[0]
    words = [w for w in head.split() if w.isalpha()] or [w for w in thing.split() if w.isalpha()]
    last = words[-1] if words else ""
    return last.endswith("s") and not last.endswith(("ss", "us", "is")) and not last.isupper()


def _formal(text: str) -> str | None:
    """ "The X was resized from A to B" from "Resized the X from A to B", when that is safe."""
    parts = _split_object(text)
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

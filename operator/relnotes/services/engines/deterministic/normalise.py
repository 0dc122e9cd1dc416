"""Normalising a summary into one past-tense line: the note's text before tone and context.

Every clause of the summary stays: its verbs are put in the past tense (only verbs the summary
itself uses, so a rollback stays a rollback; a verbless "redis 7.0 → 7.1" takes the verb its two
values state), its sentences become one, and "prod" is spelled "production". ``object_of`` finds
what the line acts on, for the formal passive and the object scenarios.
"""

import re
from functools import lru_cache

from relnotes.lazy_regex import LazyPattern
from relnotes.services.engines.deterministic.clean import Cleaned
from relnotes.services.engines.deterministic.kinds import ChangeKind, Found
from relnotes.services.engines.deterministic.verbs import PAST, find_verb, past_of_form

__all__ = ["capitalised", "implied_verb", "is_plural", "normalise", "object_of", "split_object"]

_I = re.IGNORECASE
_JOINER = LazyPattern(r"(?:,|;|\s(?:and|&|\+|then|and then))\s+(?=\w)", _I)
_PROD = LazyPattern(r"(?<![\w.@/-])prod(?![\w.@/-])", _I)
_OBJECT_END = LazyPattern(
    r"\s(?:from|to|on|in|for|at|with|by|into|across|via|so|because|after|before|as)\s"
    r"|[,;]|:\s|\s\(",
    _I,
)
_PAST_FORMS = frozenset(PAST.values())
_LEADING_JOIN = LazyPattern(r"\s*(?:,|and|&|\+)\s+", _I)
_LEADING_PREPOSITION = LazyPattern(r"^(?:to|from|on|in|for|at|with|into)\s+", _I)
_IMPLIED = {ChangeKind.SCALING: "scaled", ChangeKind.INSTANCE_CLASS: "resized"}


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


def split_object(text: str) -> tuple[str, str, str] | None:
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
    if best and len(best.split()) > 1 and best.split()[-1].lower() in _PAST_FORMS:
        best = best.rsplit(" ", 1)[0]  # "the OpenAI API key stored (in Secrets Manager)"
    return best if best and len(best.split()) <= 8 else None


def is_plural(thing: str) -> bool:
    """Whether a noun phrase takes "were"/"reflect": "Tags ... and ...", "the staging instances"."""
    if re.search(r"\s(?:and|&|\+)\s", thing):
        return True
    head = re.split(r"\s(?:for|of|in|on|to|from|with|by)\s", thing, maxsplit=1)[0]
    words = [w for w in head.split() if w.isalpha()] or [w for w in thing.split() if w.isalpha()]
    last = words[-1] if words else ""
    return last.endswith("s") and not last.endswith(("ss", "us", "is")) and not last.isupper()

"""Past-tense verbs: changelogs say what was done, whatever tense the summary used.

Summaries arrive as commit-style imperatives ("bump redis"), present tense ("adds an alarm") or
past tense; the writer reuses the user's own verb when it knows the word, so "revoked" stays
"revoked" instead of becoming a vaguer "updated".
"""

import re

__all__ = ["PAST", "find_verb", "first_sentence", "to_past_tense"]

#: Base form -> past tense, for the verbs infrastructure summaries use.
PAST: dict[str, str] = {
    "add": "added",
    "allow": "allowed",
    "apply": "applied",
    "attach": "attached",
    "block": "blocked",
    "bump": "bumped",
    "buy": "bought",
    "change": "changed",
    "clean up": "cleaned up",
    "close": "closed",
    "configure": "configured",
    "create": "created",
    "decrease": "decreased",
    "delete": "deleted",
    "deploy": "deployed",
    "deprecate": "deprecated",
    "detach": "detached",
    "disable": "disabled",
    "downgrade": "downgraded",
    "drop": "dropped",
    "enable": "enabled",
    "enforce": "enforced",
    "expand": "expanded",
    "extend": "extended",
    "fix": "fixed",
    "grant": "granted",
    "import": "imported",
    "increase": "increased",
    "issue": "issued",
    "limit": "limited",
    "lower": "lowered",
    "migrate": "migrated",
    "modify": "modified",
    "move": "moved",
    "open": "opened",
    "patch": "patched",
    "point": "pointed",
    "purchase": "purchased",
    "raise": "raised",
    "reduce": "reduced",
    "refactor": "refactored",
    "remove": "removed",
    "rename": "renamed",
    "renew": "renewed",
    "replace": "replaced",
    "require": "required",
    "resize": "resized",
    "restrict": "restricted",
    "revoke": "revoked",
    "right-size": "right-sized",
    "rightsize": "right-sized",
    "rotate": "rotated",
    "scale": "scaled",
    "scope": "scoped",
    "set": "set",
    "shorten": "shortened",
    "shrink": "shrank",
    "switch": "switched",
    "tag": "tagged",
    "tighten": "tightened",
    "tune": "tuned",
    "update": "updated",
    "upgrade": "upgraded",
}


def _third_person(base: str) -> str:
    """``fix`` -> ``fixes``, ``apply`` -> ``applies``, ``add`` -> ``adds``."""
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return base + "es"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def _forms() -> dict[str, str]:
    """Every recognised form (base, -s, -ing, past) of each verb, mapped to its past tense."""
    forms: dict[str, str] = {}
    for base, past in sorted(PAST.items()):
        candidates = [base, past]
        if " " not in base:
            gerund = base[:-1] + "ing" if base.endswith("e") else base + "ing"
            candidates += [_third_person(base), gerund]
        for form in candidates:
            forms.setdefault(form, past)
    return forms


def _joined(forms: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Two-word forms ("clean up", "right-size") by their first word: (separator + rest, past)."""
    joined: dict[str, list[tuple[str, str]]] = {}
    for form, past in forms.items():
        cut = next((i for i, char in enumerate(form) if char in " -"), None)
        if cut is not None:
            joined.setdefault(form[:cut], []).append((form[cut:], past))
    return joined


_FORMS = _forms()
_JOINED = _joined(_FORMS)
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def to_past_tense(word: str) -> str | None:
    """The past tense of a known verb form (``"bumps"`` -> ``"bumped"``), else ``None``."""
    return _FORMS.get(word.lower())


def find_verb(text: str, allowed: tuple[str, ...] = ()) -> str | None:
    """The past tense of the first known verb in ``text``, limited to ``allowed`` pasts if given.

    Words are looked up in a table rather than matched by one alternation of every form: a
    regex of some 250 case-insensitive branches tries each branch at each position, a dict
    lookup per word costs the same whatever the vocabulary's size.
    """
    lowered = text.lower()
    for match in _WORD.finditer(lowered):
        word, end = match.group(), match.end()
        past = next(
            (past for rest, past in _JOINED.get(word, ()) if _is_word_at(lowered, end, rest)),
            None,
        ) or _FORMS.get(word)
        if past is not None and (not allowed or past in allowed):
            return past
    return None


def _is_word_at(text: str, start: int, word: str) -> bool:
    """``word`` is at ``start`` in ``text`` and ends at a word boundary."""
    after = text[start + len(word) : start + len(word) + 1]
    return text.startswith(word, start) and not (after.isalnum() or after == "_")


def first_sentence(summary: str) -> str:
    """The summary's first sentence, in the past tense and without its end punctuation."""
    sentence = _SENTENCE_END.split(summary.strip(), maxsplit=1)[0].strip().rstrip(".!?;:,")
    sentence = " ".join(sentence.split())
    head, _, tail = sentence.partition(" ")
    if head.lower() == "clean" and tail.lower().startswith("up"):
        return "cleaned " + tail
    past = to_past_tense(head)
    if past is not None:
        return f"{past} {tail}".strip()
    return sentence

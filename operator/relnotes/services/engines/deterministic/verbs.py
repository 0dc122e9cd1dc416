"""Past-tense verbs: changelogs say what was done, whatever tense the summary used.

Summaries arrive as commit-style imperatives ("bump redis"), present tense ("adds an alarm") or
past tense. The writer only ever converts the summary's own verb, so "roll back" stays a
rollback and "fix" a fix; a word that is not in the vocabulary below is left as written rather
than guessed at ("Timeout instances" is not turned into "Timed out instances").
"""

from relnotes.lazy_regex import LazyPattern

__all__ = ["PAST", "find_verb", "first_sentence", "past_of_form", "to_past_tense"]

#: Regular verbs infrastructure summaries use, by base form.
_REGULAR = """
add adjust align allow apply archive attach avoid backport ban block bound bump cap change check
clarify clean close configure consume correct create decrease default define delay delete deny
deploy deprecate deregister destroy detach disable disallow discard document double downgrade
drain drop enable encrypt enforce ensure escape evaluate exclude expand explain export expose
extend filter fix force generate grant handle harden hotfix ignore implement import improve
include increase inject install introduce isolate issue limit lock log lower map mark merge
migrate modify mount move notify open optimise optimize override parse patch permit pin plan
point prefer prevent prune provide provision publish purchase purge raise reconfigure recreate
redeploy reduce refactor refresh register reload remove rename renew reorder repair replace
replicate require resize promote resolve respect restart restore restrict restructure resume
retire retry return reuse revert review revise revoke rework rotate route scale schedule scope
secure separate serve shard ship shorten sign simplify skip sort specify split stage standardise
standardize stop store streamline strip submit support suppress swap switch sync tag terminate
test throttle tidy tighten toggle track trigger trim truncate tune unban unify uninstall unlock
unpin unset update upgrade upload use validate verify warn wire wrap
"""
_IRREGULAR = {
    "build": "built",
    "buy": "bought",
    "catch": "caught",
    "cut": "cut",
    "get": "got",
    "hide": "hid",
    "keep": "kept",
    "let": "let",
    "make": "made",
    "put": "put",
    "read": "read",
    "rebuild": "rebuilt",
    "rerun": "reran",
    "reset": "reset",
    "rewrite": "rewrote",
    "run": "ran",
    "send": "sent",
    "set": "set",
    "shrink": "shrank",
    "shut": "shut",
    "spin": "spun",
    "take": "took",
    "tear": "tore",
    "write": "wrote",
}
#: Verbs whose last consonant doubles ("drop" -> "dropped", "dropping").
_DOUBLED = frozenset(
    [
        "ban",
        "cap",
        "drop",
        "log",
        "map",
        "pin",
        "plan",
        "ship",
        "skip",
        "stop",
        "strip",
        "swap",
        "tag",
        "trim",
        "unban",
        "unpin",
        "wrap",
    ]
)
#: Two-word verbs: the first word's forms followed by the particle.
_PHRASAL = (
    "back up", "clean up", "fix up", "lock down", "opt in", "opt out", "phase out", "roll back",
    "roll out", "scale down", "scale out", "scale up", "set up", "shut down", "spin down",
    "spin up", "switch off", "switch on", "tear down", "tidy up", "turn off", "turn on", "wire up",
)  # fmt: skip
#: One-word spellings of two-word verbs.
_JOINED_SPELLINGS = {"rollback": "rolled back", "cleanup": "cleaned up", "setup": "set up"}


def _past(base: str) -> str:
    if base in _IRREGULAR:
        return _IRREGULAR[base]
    if base in _DOUBLED:
        return base + base[-1] + "ed"
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ied"
    return base + "ed"


def _inflections(base: str) -> tuple[str, str]:
    """Third person and gerund: ``fix`` -> ``fixes``, ``fixing``; ``drop`` -> ``dropping``."""
    if base.endswith(("s", "sh", "ch", "x", "z")):
        third = base + "es"
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    if base in _DOUBLED or base in (
        "run",
        "rerun",
        "cut",
        "put",
        "get",
        "set",
        "let",
        "spin",
        "shut",
    ):
        gerund = base + base[-1] + "ing"
    elif base.endswith("e") and not base.endswith("ee"):
        gerund = base[:-1] + "ing"
    else:
        gerund = base + "ing"
    return third, gerund


def _table() -> dict[str, str]:
    """Every recognised form (base, -s, -ing, past) of each verb, mapped to its past tense."""
    table: dict[str, str] = {}
    for base in sorted({*_REGULAR.split(), *_IRREGULAR}):
        past = _past(base)
        for form in (base, past, *_inflections(base)):
            table.setdefault(form, past)
    for phrase in _PHRASAL:
        head, particle = phrase.split()
        for form in (head, _past(head), *_inflections(head)):
            table.setdefault(f"{form} {particle}", f"{_past(head)} {particle}")
    for joined, past in _JOINED_SPELLINGS.items():
        for form in (joined, *_inflections(joined)):
            table.setdefault(form, past)
    for form in ("right-size", "right-sized", "right-sizes", "right-sizing", "rightsize"):
        table[form] = "right-sized"
    return table


#: Every known form of every verb -> its past tense (the name reflects what it maps to).
PAST: dict[str, str] = _table()


def _by_first_word(table: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Multi-word forms ("clean up", "right-size") by their first word: (separator + rest, past)."""
    joined: dict[str, list[tuple[str, str]]] = {}
    for form, past in table.items():
        cut = next((i for i, char in enumerate(form) if char in " -"), None)
        if cut is not None:
            joined.setdefault(form[:cut], []).append((form[cut:], past))
    return joined


_MULTI = _by_first_word(PAST)
_FIRST_WORDS = frozenset(PAST) | frozenset(_MULTI)
_WORD = LazyPattern(r"\w+")
_SENTENCE_END = LazyPattern(r"(?<=[.!?])\s+|\n+")


def to_past_tense(word: str) -> str | None:
    """The past tense of a known verb form (``"bumps"`` -> ``"bumped"``), else ``None``."""
    return PAST.get(word.lower())


def past_of_form(text: str, start: int = 0) -> tuple[str, int] | None:
    """The past tense of the verb form that starts ``text`` at ``start``, and where it ends."""
    return _past_at(text.lower(), start)


def _past_at(lowered: str, start: int) -> tuple[str, int] | None:
    match = _WORD.match(lowered, start)
    if match is None:
        return None
    word, end = match.group(), match.end()
    for rest, past in _MULTI.get(word, ()):
        if _is_word_at(lowered, end, rest):
            return past, end + len(rest)
    single = PAST.get(word)
    return (single, end) if single is not None else None


def find_verb(text: str, allowed: tuple[str, ...] = ()) -> str | None:
    """The past tense of the first known verb in ``text``, limited to ``allowed`` pasts if given.

    Words are looked up in a table rather than matched by one alternation of every form: a
    dict lookup per word costs the same whatever the vocabulary's size.
    """
    lowered = text.lower()
    for match in _WORD.finditer(lowered):
        if match.group() not in _FIRST_WORDS:
            continue
        found = _past_at(lowered, match.start())
        if found is not None and (not allowed or found[0] in allowed):
            return found[0]
    return None


def _is_word_at(text: str, start: int, word: str) -> bool:
    """``word`` is at ``start`` in ``text`` and ends at a word boundary."""
    after = text[start + len(word) : start + len(word) + 1]
    return text.startswith(word, start) and not (after.isalnum() or after == "_")


def first_sentence(summary: str) -> str:
    """The summary's first sentence, in the past tense and without its end punctuation."""
    sentence = _SENTENCE_END.split(summary.strip(), maxsplit=1)[0].strip().rstrip(".!?;:,")
    sentence = " ".join(sentence.split())
    found = past_of_form(sentence)
    if found is not None:
        return f"{found[0]}{sentence[found[1] :]}".strip()
    return sentence

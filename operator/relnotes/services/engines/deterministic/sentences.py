"""The release-note sentence: one clause, arranged for the tone, detailed for the audience.

Tone only moves words around and swaps the verb; audience decides which clause is used (the
technical one, or the plain one for customers) and whether operators get a "watch" hint. The
result is always one line, one sentence, at most ``MAX_NOTE`` characters.
"""

import re
from collections.abc import Callable

from relnotes.models.result import MAX_NOTE
from relnotes.models.spec import Audience, Tone
from relnotes.services.engines.deterministic import phrases_access as access
from relnotes.services.engines.deterministic import phrases_resources as resources
from relnotes.services.engines.deterministic.clause import Clause, join
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.kinds import ChangeKind
from relnotes.services.engines.deterministic.patterns import ARN, CIDR

__all__ = ["BUILDERS", "build_clause", "fit", "write_sentence"]

Builder = Callable[[Facts, bool], Clause]

BUILDERS: dict[ChangeKind, Builder] = {
    ChangeKind.INSTANCE_CLASS: resources.instance_class,
    ChangeKind.VERSION: resources.version,
    ChangeKind.TOGGLE: resources.toggle,
    ChangeKind.SCALING: resources.scaling,
    ChangeKind.REGION: resources.region,
    ChangeKind.STORAGE: resources.storage,
    ChangeKind.OBSERVABILITY: resources.observability,
    ChangeKind.TAGS: resources.tags,
    ChangeKind.NETWORK_RULE: access.network_rule,
    ChangeKind.DNS: access.dns,
    ChangeKind.TLS: access.tls,
    ChangeKind.IAM: access.iam,
    ChangeKind.COST: access.cost,
}
_TRAILING = re.compile(
    r"[\s,;:(\-]+(?:and|or|with|from|to|on|in|for|the|a|an|of|by)?$", re.IGNORECASE
)


def _fallback(facts: Facts, plain: bool) -> Clause:
    """An honest restatement of a summary the writer could not parse."""
    summary = facts.summary
    if plain:
        summary = CIDR.sub("an internal network range", ARN.sub("an internal resource", summary))
    where = f"in {facts.environment}" if facts.environment else ""
    return Clause(
        "applied",
        "an infrastructure change",
        f"{where}: {summary}" if where else f": {summary}",
        "shipped",
        watch="error rates and recent deploys",
    )


def build_clause(facts: Facts, audience: Audience) -> Clause:
    """The clause for ``facts``, plain for customers."""
    builder = BUILDERS.get(facts.kind, _fallback)
    return builder(facts, audience is Audience.CUSTOMERS)


def _capitalise(text: str) -> str:
    """Upper-case a leading ordinary word ("the" -> "The"), never an identifier ("eu-west-1")."""
    head = text.split(" ", 1)[0]
    return text[:1].upper() + text[1:] if head.isalpha() and head.islower() else text


def _plural(target: str) -> bool:
    """Whether a "the ..." target's head noun is plural ("the staging instances")."""
    if not target.startswith("the "):
        return False
    head = re.split(r" (?:on|for|in|to|from) ", target, maxsplit=1)[0].split()
    last = head[-1] if head else ""
    return (
        last.isalpha()
        and last.islower()
        and last.endswith("s")
        and not last.endswith(("ss", "us", "is"))
    )


def _context(facts: Facts, tone: Tone) -> str:
    """Component and release version, worded for the tone."""
    component = facts.component
    version = facts.version
    if tone is Tone.FORMAL:
        return join(
            f"for the {component} component" if component else None,
            f"as part of release {version}" if version else None,
        )
    if tone is Tone.CASUAL:
        return join(
            f"for {component}" if component else None,
            f"- shipping in {version}" if version else None,
        )
    return join(f"for {component}" if component else None, f"in {version}" if version else None)


def _arrange(clause: Clause, tone: Tone, context: str, watch: str | None) -> str:
    """Put verb, target and rest in the tone's order, then the context and any watch hint."""
    if tone is Tone.FORMAL:
        plural = clause.plural or _plural(clause.target)
        body = join(_capitalise(clause.target), "were" if plural else "was", clause.verb)
    elif tone is Tone.CASUAL:
        body = join("We", clause.casual or clause.verb, clause.target)
    else:
        body = join(clause.verb[:1].upper() + clause.verb[1:], clause.target)
    if clause.rest.startswith(":"):
        sentence = join(body, context) + clause.rest
    else:
        sentence = join(body, clause.rest, context)
    if watch:
        sentence += f" - keep an eye on {watch}" if tone is Tone.CASUAL else f"; watch {watch}"
    return sentence


def fit(sentence: str, limit: int = MAX_NOTE) -> str:
    """End ``sentence`` with one full stop, cut at a word boundary so it fits ``limit``.

    A cut never leaves a dangling connector ("... from.") or an unclosed parenthesis, and the
    sentence-ending marks inside it are left alone so it stays one sentence.
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


def write_sentence(facts: Facts, tone: Tone, audience: Audience) -> str:
    """The note: operators get a "watch" hint, dropped first if the sentence runs long."""
    clause = build_clause(facts, audience)
    context = _context(facts, tone)
    watch = clause.watch if audience is Audience.OPERATORS else None
    full = _arrange(clause, tone, context, watch)
    if len(full) + 1 > MAX_NOTE and watch:
        full = _arrange(clause, tone, context, None)
    return fit(full)

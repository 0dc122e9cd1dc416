"""The offline "deterministic" engine: a rule-based release-note writer.

The note is the spec's whole summary, normalised (``clean``, ``sentences``): past tense, one
sentence, commit prefixes, PR references and emoji removed, context woven in once, nothing
invented. Recognised infrastructure changes (instance classes, versions, toggles, scaling,
regions, network rules, DNS, TLS, IAM, cost, storage, monitoring, tags) get concrete test
scenarios; anything else gets scenarios about the object the summary names. Category and risk
come from evidence (``classify``). See ``writer.write_draft``.
"""

from relnotes.services.engines.deterministic.facts import Facts, extract_facts
from relnotes.services.engines.deterministic.kinds import ChangeKind
from relnotes.services.engines.deterministic.writer import write_draft

__all__ = ["ChangeKind", "Facts", "extract_facts", "write_draft"]

"""The offline "deterministic" engine: a rule-based release-note writer.

It recognises common infrastructure changes (instance classes, versions, toggles, scaling,
regions, network rules, DNS, TLS, IAM, cost, storage, monitoring, tags) in a spec's free-text
summary, and writes a note that repeats the extracted values verbatim. What it cannot parse it
restates honestly instead of guessing. See ``writer.write_draft``.
"""

from relnotes.services.engines.deterministic.facts import Facts, extract_facts
from relnotes.services.engines.deterministic.kinds import ChangeKind
from relnotes.services.engines.deterministic.writer import write_draft

__all__ = ["ChangeKind", "Facts", "extract_facts", "write_draft"]

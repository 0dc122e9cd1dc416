"""Markdown for a note: one rendering shared by ``relnotes render``, the view and the engine.

Everything interpolated comes from validated models; Markdown control characters in user text are
escaped so a summary cannot inject links or headings into the page the view serves.
"""

import re

from relnotes.models.result import GeneratedNote, NoteDraft
from relnotes.models.spec import ReleaseNoteSpec

__all__ = ["draft_markdown", "escape_markdown", "note_markdown"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+|!~])")


def escape_markdown(text: str) -> str:
    """``text`` with Markdown's special characters backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def draft_markdown(draft: NoteDraft) -> str:
    """The note sentence, category and risk, and the numbered test scenarios."""
    lines = [
        escape_markdown(draft.release_note),
        "",
        f"*Category:* {draft.category.value} · *Risk:* {draft.risk.value}",
        "",
        "### Test scenarios",
    ]
    for number, scenario in enumerate(draft.test_scenarios, start=1):
        lines.append(f"{number}. **{escape_markdown(scenario.title)}**")
        lines.extend(f"   - {escape_markdown(step)}" for step in scenario.steps)
        lines.append(f"   - *Expected:* {escape_markdown(scenario.expected)}")
    return "\n".join(lines) + "\n"


def note_markdown(title: str, spec: ReleaseNoteSpec, note: GeneratedNote) -> str:
    """A whole note: heading, what it applies to, the draft and where it came from."""
    where = " · ".join(
        f"{label} `{value}`"
        for label, value in (
            ("component", spec.component),
            ("environment", spec.environment),
            ("version", spec.version),
        )
        if value
    )
    source = note.provenance
    lines = [f"## {escape_markdown(title)}", ""]
    if where:
        lines += [where, ""]
    lines.append(draft_markdown(note.draft))
    lines += [f"<sub>{source.provider} · {source.model} · prompt {source.prompt_version}</sub>", ""]
    if spec.links:
        lines[-1:-1] = ["Links: " + ", ".join(f"<{link}>" for link in spec.links), ""]
    return "\n".join(lines)

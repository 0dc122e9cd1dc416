"""Markdown for a note: one rendering shared by ``relnotes render``, the view and the engine.

Everything interpolated comes from validated models; Markdown control characters in user text are
escaped so a summary cannot inject links or headings into the page the view serves.
"""

import re

from relnotes.models.result import GeneratedNote, NoteDraft
from relnotes.models.spec import ReleaseNoteSpec

__all__ = ["draft_markdown", "escape_markdown", "note_markdown"]

_SPECIAL = re.compile(r"([\\*_{}\[\]<>#|!~])")
_CODE_SPAN = re.compile(r"(`[^`\n]+`)")


def escape_markdown(text: str) -> str:
    """``text`` with Markdown's special characters escaped outside `code spans`.

    Code spans stay as written (commands in test steps read best as code, and nothing inside a
    span is interpreted); everywhere else links, HTML, emphasis and headings are neutralised. An
    unbalanced backtick is escaped like any other special character.
    """
    parts = _CODE_SPAN.split(text)
    return "".join(
        part if index % 2 else _SPECIAL.sub(r"\\\1", part).replace("`", "\\`")
        for index, part in enumerate(parts)
    )


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
        f"{label} " + escape_markdown(f"`{value}`")
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
    if spec.links:
        lines += ["Links: " + ", ".join(f"<{link}>" for link in spec.links), ""]
    origin = " · ".join(
        escape_markdown(part)
        for part in (source.provider, source.model, "prompt " + source.prompt_version)
    )
    lines += [f"<sub>{origin}</sub>", ""]
    return "\n".join(lines)

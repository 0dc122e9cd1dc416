"""The view's documents, built once per format from the catalog's results.

The changelog is grouped here (``releases``) and both its HTML template and its Markdown come
from that one grouping. Markdown goes through ``escape_markdown`` for every value a user, a model
or an error wrote, so no format carries live HTML or links a reader did not write.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from relnotes.models.result import GeneratedNote
from relnotes.services.catalog import NoteDetail, NotePage
from relnotes.services.rendering import escape_markdown, note_markdown
from relnotes.storage.note_pages import NoteSummary

__all__ = ["Release", "changelog_markdown", "index_markdown", "note_page_markdown", "releases"]


@dataclass(frozen=True)
class Release:
    """One version's notes, by category (alphabetical), newest note first in each."""

    version: str | None
    date: str | None
    categories: list[tuple[str, list[NoteSummary]]]

    def as_json(self) -> dict[str, Any]:
        """This release as JSON: version, date, and each category's notes."""
        return {
            "version": self.version,
            "date": self.date,
            "categories": [
                {"category": category, "notes": [_json_note(note) for note in notes]}
                for category, notes in self.categories
            ],
        }


def _json_note(note: NoteSummary) -> dict[str, str | None]:
    return {
        "namespace": note.namespace,
        "name": note.name,
        "releaseNote": note.release_note,
        "url": f"/notes/{note.namespace}/{note.name}",
    }


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: 1.10 after 1.9, numbers before words."""
    parts = version.replace("-", ".").replace("+", ".").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def releases(notes: list[NoteSummary]) -> list[Release]:
    """Ready notes grouped by version (Unreleased first, then newest version), then category."""
    grouped: dict[str | None, dict[str, list[NoteSummary]]] = defaultdict(lambda: defaultdict(list))
    for note in notes:
        if note.phase == "Ready" and note.release_note:
            grouped[note.version][note.category or "other"].append(note)
    versions = sorted((v for v in grouped if v is not None), key=_version_key, reverse=True)
    result = []
    for version in ([None] if None in grouped else []) + versions:
        categories = grouped[version]
        newest = max(n.created_at for notes in categories.values() for n in notes)
        result.append(
            Release(
                version=version,
                date=newest.astimezone(UTC).date().isoformat() if version else None,
                categories=sorted(categories.items()),
            )
        )
    return result


def _ref(note: NoteSummary) -> str:
    return escape_markdown(f"{note.namespace}/{note.name}")


def changelog_markdown(groups: list[Release]) -> str:
    """A Keep-a-Changelog document."""
    lines = [
        "# Changelog",
        "",
        "All notable infrastructure changes, newest version first.",
        "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).",
        "",
    ]
    for release in groups:
        title = f"[{escape_markdown(release.version)}]" if release.version else "[Unreleased]"
        lines += [f"## {title}" + (f" - {release.date}" if release.date else ""), ""]
        for category, notes in release.categories:
            lines += [f"### {escape_markdown(category.capitalize())}", ""]
            lines += [f"- {escape_markdown(n.release_note or '')} ({_ref(n)})" for n in notes]
            lines.append("")
    return "\n".join(lines)


def index_markdown(page: NotePage) -> str:
    """The index as a Markdown list, one line per note."""
    lines = ["# Release notes", ""]
    for note in page.items:
        text = note.release_note or (
            f"{note.phase}: {note.error}" if note.error else f"{note.phase}: {note.change_summary}"
        )
        stamp = note.created_at.astimezone(UTC).isoformat(timespec="seconds")
        lines.append(f"- **{_ref(note)}** ({note.phase}, {stamp}): {escape_markdown(text)}")
    if not page.items:
        lines.append("No notes match.")
    return "\n".join(lines) + "\n"


def note_page_markdown(detail: NoteDetail) -> str:
    """One note with its history, in Markdown."""
    row = detail.row
    title = f"{row.namespace}/{row.name}"
    if row.draft is not None and row.provenance is not None:
        note = GeneratedNote(draft=row.draft, provenance=row.provenance)
        lines = [note_markdown(title, row.spec, note)]
    else:
        reason = escape_markdown(row.error or "no note yet")
        lines = [f"## {escape_markdown(title)}", "", f"{row.phase}: {reason}", ""]
    if row.deleted_at is not None:
        lines += [f"**Deleted** {row.deleted_at.astimezone(UTC).isoformat(timespec='seconds')}", ""]
    lines += [
        "### History",
        "",
        "| Generation | Phase | Written | Note |",
        "| --- | --- | --- | --- |",
    ]
    for entry in detail.history:
        text = escape_markdown(entry.release_note or entry.error or "")
        stamp = entry.updated_at.astimezone(UTC).isoformat(timespec="seconds")
        phase = entry.phase + (" (deleted)" if entry.deleted_at else "")
        lines.append(f"| {entry.generation} | {phase} | {stamp} | {text} |")
    return "\n".join(lines) + "\n"

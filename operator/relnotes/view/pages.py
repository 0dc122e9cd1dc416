"""HTML pages for the view, built from validated rows with every value escaped.

No template engine: two small pages do not justify a dependency, and building them here keeps
escaping in one place (``html.escape`` on every interpolated value).
"""

import base64
import hashlib
from html import escape

from relnotes.storage.note_rows import NoteRow

__all__ = ["CONTENT_SECURITY_POLICY", "index_page", "note_page"]

_STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;
text-align:left;vertical-align:top}.meta{color:#555}.phase{font-weight:600}"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'"


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def _link(row: NoteRow) -> str:
    ref = f"{row.namespace}/{row.name}"
    return f'<a href="/notes/{escape(ref)}">{escape(ref)}</a>'


def note_page(row: NoteRow) -> str:
    """One note: the sentence, the scenarios, and where it came from."""
    parts = [
        f"<h1>{escape(row.namespace)}/{escape(row.name)}</h1>",
        f'<p class="meta"><span class="phase">{escape(row.phase)}</span> · generation '
        f"{row.generation} · {escape(row.created_at.isoformat())}</p>",
    ]
    facts = [(k, v) for k, v in (("component", row.component), ("environment", row.environment),
                                 ("version", row.version)) if v]  # fmt: skip
    if facts:
        parts.append("<p>" + " · ".join(f"{k} <code>{escape(v)}</code>" for k, v in facts) + "</p>")
    if row.draft is None:
        parts.append(f"<p>No note yet. {escape(row.error or '')}</p>")
    else:
        parts.append(f"<blockquote><p>{escape(row.draft.release_note)}</p></blockquote>")
        category, risk = row.draft.category.value, row.draft.risk.value
        parts.append(f"<p>Category: {escape(category)} · Risk: {escape(risk)}</p>")
        parts.append("<h2>Test scenarios</h2><ol>")
        for scenario in row.draft.test_scenarios:
            steps = "".join(f"<li>{escape(step)}</li>" for step in scenario.steps)
            parts.append(
                f"<li><strong>{escape(scenario.title)}</strong><ul>{steps}"
                f"<li><em>Expected:</em> {escape(scenario.expected)}</li></ul></li>"
            )
        parts.append("</ol>")
    if row.spec.links:
        links = "".join(
            f'<li><a href="{escape(str(u))}">{escape(str(u))}</a></li>' for u in row.spec.links
        )
        parts.append(f"<h2>Links</h2><ul>{links}</ul>")
    if row.provenance is not None:
        source = row.provenance
        parts.append(
            f'<p class="meta">{escape(source.provider)} · {escape(source.model)} · prompt '
            f"{escape(source.prompt_version)} · {source.usage.total_tokens} tokens · "
            f"{source.latency_ms} ms{' · cache hit' if row.cache_hit else ''}</p>"
        )
    return _page(f"{row.namespace}/{row.name}", "".join(parts))


def index_page(rows: list[NoteRow]) -> str:
    """A table of notes, newest first."""
    lines = "".join(
        f"<tr><td>{_link(row)}</td><td>{escape(row.component or '')}</td>"
        f"<td>{escape(row.version or '')}</td><td>{escape(row.phase)}</td>"
        f"<td>{escape(row.draft.release_note if row.draft else '')}</td></tr>"
        for row in rows
    )
    table = (
        "<table><thead><tr><th>Note</th><th>Component</th><th>Version</th><th>Phase</th>"
        f"<th>Release note</th></tr></thead><tbody>{lines}</tbody></table>"
    )
    return _page(
        "Release notes", f"<h1>Release notes</h1>{table if rows else '<p>No notes yet.</p>'}"
    )

"""The view's reads: one entry per ReleaseNote, paged on a total order, and one note's history.

A ReleaseNote is ``namespace/name``; its entry is its newest row (a regenerated note appears once,
as its newest generation). Pages walk ``(created_at, id)``: rows written in one transaction share
``created_at``, and ``id`` breaks the tie, so a keyset cursor never skips or repeats a note.
Listings fetch only the columns a page shows (``->>`` on the JSONB, no pydantic validation);
the note page reads the whole row through ``NoteRows.latest``.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg.rows import class_row

from relnotes.storage.database import connection
from relnotes.storage.note_rows import NoteRows

__all__ = ["HistoryEntry", "Keyset", "NoteFilter", "NotePages", "NoteSummary"]

Keyset = tuple[datetime, int]


@dataclass(frozen=True, slots=True)
class NoteSummary:
    """What an index row, a changelog line and a feed entry show of a note."""

    id: int
    uid: str
    generation: int
    namespace: str
    name: str
    phase: str
    component: str | None
    environment: str | None
    version: str | None
    category: str | None
    risk: str | None
    release_note: str | None
    change_summary: str
    error: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def key(self) -> Keyset:
        """This entry's place in the listing order."""
        return (self.created_at, self.id)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One generation of a note, for the note page's history."""

    uid: str
    generation: int
    phase: str
    release_note: str | None
    error: str | None
    cache_hit: bool | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


@dataclass(frozen=True)
class NoteFilter:
    """Equality filters on the newest row, and a full-text search over summary and note."""

    namespace: str | None = None
    component: str | None = None
    environment: str | None = None
    version: str | None = None
    category: str | None = None
    risk: str | None = None
    text: str | None = None


_SUMMARY = sql.SQL(
    "r.id, r.uid, r.generation, r.namespace, r.name, r.phase, r.component, r.environment,"
    " r.version, r.draft ->> 'category' AS category, r.draft ->> 'risk' AS risk,"
    " r.draft ->> 'releaseNote' AS release_note, r.spec ->> 'changeSummary' AS change_summary,"
    " r.error, r.created_at, r.updated_at"
)  # in NoteSummary's field order
_NEWEST = sql.SQL(
    "NOT EXISTS (SELECT 1 FROM release_notes n WHERE n.namespace = r.namespace"
    " AND n.name = r.name AND (n.created_at, n.id) > (r.created_at, r.id))"
)
_COLUMN_FILTERS = ("namespace", "component", "environment", "version")
_DRAFT_FILTERS = {"category": "category", "risk": "risk"}
_HISTORY = (
    "SELECT uid, generation, phase, draft ->> 'releaseNote' AS release_note, error, cache_hit,"
    " created_at, updated_at, deleted_at FROM release_notes WHERE namespace = %s AND name = %s"
    " ORDER BY created_at DESC, id DESC LIMIT %s"
)


def _where(filters: NoteFilter) -> tuple[list[sql.Composable], list[Any]]:
    where: list[sql.Composable] = [_NEWEST, sql.SQL("r.deleted_at IS NULL")]
    params: list[Any] = []
    for column in _COLUMN_FILTERS:
        value = getattr(filters, column)
        if value is not None:
            where.append(sql.SQL("r.{} = %s").format(sql.Identifier(column)))
            params.append(value)
    for field, key in _DRAFT_FILTERS.items():
        value = getattr(filters, field)
        if value is not None:
            where.append(sql.SQL("r.draft ->> {} = %s").format(sql.Literal(key)))
            params.append(value)
    if filters.text:
        where.append(sql.SQL("r.search @@ websearch_to_tsquery('english', %s)"))
        params.append(filters.text)
    return where, params


class NotePages(NoteRows):
    """Read-only queries of the view (the role needs SELECT only)."""

    async def page(
        self, filters: NoteFilter, *, limit: int, after: Keyset | None = None, newer: bool = False
    ) -> list[NoteSummary]:
        """Up to ``limit`` notes next to ``after`` in the listing (newest first) order.

        ``newer`` walks towards the newest notes (a "previous" link); rows then come nearest
        first, and the caller reverses them for display.
        """
        where, params = _where(filters)
        if after is not None:
            where.append(sql.SQL("(r.created_at, r.id) > (%s, %s)" if newer else
                                 "(r.created_at, r.id) < (%s, %s)"))  # fmt: skip
            params.extend(after)
        direction = sql.SQL("ASC" if newer else "DESC")
        query = sql.SQL(
            "SELECT {columns} FROM release_notes r WHERE {where}"
            " ORDER BY r.created_at {direction}, r.id {direction} LIMIT %s"
        ).format(columns=_SUMMARY, where=sql.SQL(" AND ").join(where), direction=direction)
        async with connection(self._pool, "page") as conn:
            cursor = await conn.execute(query, [*params, limit])
            rows = await cursor.fetchall()
        # Positional construction: psycopg's class_row (by keyword, per row) costs more than
        # the query itself for a page of 50 (bench/view_throughput.py's uncached index).
        return [NoteSummary(*row) for row in rows]

    async def history(self, namespace: str, name: str, *, limit: int = 100) -> list[HistoryEntry]:
        """Every generation of ``namespace/name`` (newest first), deleted ones included."""
        async with connection(self._pool, "history") as conn:
            cursor = conn.cursor(row_factory=class_row(HistoryEntry))
            await cursor.execute(_HISTORY, (namespace, name, limit))
            return await cursor.fetchall()

"""The view's reads: one entry per ReleaseNote, paged on a total order, and one note's history.

A ReleaseNote is ``namespace/name``; its entry is its newest row (a regenerated note appears once,
as its newest generation). Pages walk ``(created_at, id)``: rows written in one transaction share
``created_at``, and ``id`` breaks the tie, so a keyset cursor never skips or repeats a note.
Listings fetch only the columns a page shows (``->>`` on the JSONB, no pydantic validation; the
SQL is ``listing_queries``') and keep rows by version (``NotePages``); the note page reads the
whole row through ``NoteRows.latest``.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from psycopg.rows import class_row

from relnotes.storage.database import Pool, connection
from relnotes.storage.listing_queries import NoteFilter, VersionReads, page_queries, shape_of
from relnotes.storage.note_rows import NoteRows

__all__ = ["HistoryEntry", "Keyset", "NoteFilter", "NotePages", "NoteSummary"]

Keyset = tuple[datetime, int]


class NoteSummary(NamedTuple):
    """What an index row, a changelog line and a feed entry show of a note.

    A tuple: built from a row without per-field work, and hashed in C (the index renders each
    entry once per row version, keyed by the entry itself: ``templating.note_item``).
    """

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


_HISTORY = (
    "SELECT uid, generation, phase, draft ->> 'releaseNote' AS release_note, error, cache_hit,"
    " created_at, updated_at, deleted_at FROM release_notes WHERE namespace = %s AND name = %s"
    " ORDER BY created_at DESC, id DESC LIMIT %s"
)


class NotePages(NoteRows):
    """Read-only queries of the view (the role needs SELECT only).

    Listing rows are kept by row version, ``(id, xmin)``: Postgres gives every write of a row a
    new ``xmin`` (the writing transaction), so a kept version is exactly what the row held.
    A page first asks only which row versions it holds (two integers a row); when every one is
    kept, that is the page, else the page is read again in full and its rows are kept. Either
    way a page is one snapshot of the table.
    """

    def __init__(self, pool: Pool, *, kept_rows: int = 8192) -> None:
        super().__init__(pool)
        self._rows: dict[tuple[int, int], NoteSummary] = {}
        self._versions = VersionReads(pool)
        self._kept_rows = kept_rows

    async def page(
        self, filters: NoteFilter, *, limit: int, after: Keyset | None = None, newer: bool = False
    ) -> list[NoteSummary]:
        """Up to ``limit`` notes next to ``after`` in the listing (newest first) order.

        ``newer`` walks towards the newest notes (a "previous" link); rows then come nearest
        first, and the caller reverses them for display.
        """
        shape, params = shape_of(filters)
        if after is not None:
            params.extend(after)
        params.append(limit)
        versions, full = page_queries(shape, after is not None, newer)
        kept = self._rows
        if not shape:
            found = [kept.get(v) for v in await self._versions.read(versions, params)]
            if None not in found:
                return found  # type: ignore[return-value]
        async with connection(self._pool, "page") as conn:
            if shape:  # filtered or searched: a walk of its own
                cursor = await conn.execute(versions, params, binary=True)
                found = [kept.get(version) for version in await cursor.fetchall()]
                if None not in found:
                    return found  # type: ignore[return-value]
            cursor = await conn.execute(full, params, binary=True)
            rows = await cursor.fetchall()
        # Tuples as they come: psycopg's class_row (by keyword, per row) costs more than the
        # query itself for a page of 50 (bench/view_throughput.py's uncached index).
        notes = [NoteSummary._make(row[:-1]) for row in rows]
        for row, note in zip(rows, notes, strict=True):
            kept[(row[0], row[-1])] = note
        while len(kept) > self._kept_rows:
            del kept[next(iter(kept))]  # the oldest kept
        return notes

    async def history(self, namespace: str, name: str, *, limit: int = 100) -> list[HistoryEntry]:
        """Every generation of ``namespace/name`` (newest first), deleted ones included."""
        async with connection(self._pool, "history") as conn:
            cursor = conn.cursor(row_factory=class_row(HistoryEntry))
            await cursor.execute(_HISTORY, (namespace, name, limit))
            return await cursor.fetchall()

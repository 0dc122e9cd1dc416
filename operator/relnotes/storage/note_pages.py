"""The view's reads: one entry per ReleaseNote, paged on a total order, and one note's history.

A ReleaseNote is ``namespace/name``; its entry is its newest row (a regenerated note appears once,
as its newest generation). Pages walk ``(created_at, id)``: rows written in one transaction share
``created_at``, and ``id`` breaks the tie, so a keyset cursor never skips or repeats a note.
Listings fetch only the columns a page shows (``->>`` on the JSONB, no pydantic validation);
the note page reads the whole row through ``NoteRows.latest``.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from psycopg import sql
from psycopg.rows import class_row

from relnotes.models.errors import StoreUnavailable
from relnotes.storage.batching import Batcher
from relnotes.storage.database import Pool, connection
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
# A row version: xmin (xid) read as an integer, so the binary protocol carries it.
_XMIN = sql.SQL("r.xmin::text::bigint")
_VERSION = sql.SQL("r.id, {}").format(_XMIN)
_COLUMN_FILTERS = ("namespace", "component", "environment", "version")
_DRAFT_FILTERS = {"category": "category", "risk": "risk"}
_HISTORY = (
    "SELECT uid, generation, phase, draft ->> 'releaseNote' AS release_note, error, cache_hit,"
    " created_at, updated_at, deleted_at FROM release_notes WHERE namespace = %s AND name = %s"
    " ORDER BY created_at DESC, id DESC LIMIT %s"
)


def _where(filters: NoteFilter) -> tuple[tuple[str, ...], list[Any]]:
    """Which filters ``filters`` sets (the query's shape), and their values in that order."""
    shape: list[str] = []
    params: list[Any] = []
    for field in (*_COLUMN_FILTERS, *_DRAFT_FILTERS, "text"):
        value = getattr(filters, field)
        if value is not None and (field != "text" or value):
            shape.append(field)
            params.append(value)
    return tuple(shape), params


@lru_cache(maxsize=256)
def _page_queries(shape: tuple[str, ...], cursor: bool, newer: bool) -> tuple[bytes, bytes]:
    """The row-version and the full query of a page of this shape, composed once per shape."""
    where: list[sql.Composable] = [_NEWEST, sql.SQL("r.deleted_at IS NULL")]
    for field in shape:
        if field in _COLUMN_FILTERS:
            where.append(sql.SQL("r.{} = %s").format(sql.Identifier(field)))
        elif field in _DRAFT_FILTERS:
            where.append(sql.SQL("r.draft ->> {} = %s").format(sql.Literal(_DRAFT_FILTERS[field])))
        else:
            where.append(sql.SQL("r.search @@ websearch_to_tsquery('english', %s)"))
    if cursor:
        where.append(
            sql.SQL("(r.created_at, r.id) {} (%s, %s)").format(sql.SQL(">" if newer else "<"))
        )
    direction = sql.SQL("ASC" if newer else "DESC")
    query = sql.SQL(
        "SELECT {columns} FROM release_notes r WHERE {where}"
        " ORDER BY r.created_at {direction}, r.id {direction} LIMIT %s"
    )
    where_sql = sql.SQL(" AND ").join(where)
    return tuple(  # type: ignore[return-value]
        query.format(columns=columns, where=where_sql, direction=direction).as_bytes(None)
        for columns in (_VERSION, sql.SQL("{}, {}").format(_SUMMARY, _XMIN))
    )


class _VersionReads(Batcher[tuple[bytes, list[Any]], list[tuple[int, int]]]):
    """The plain listing's row-version queries that arrive together, pipelined on one
    connection: one send and one wait for all, and no pool handoff each (about half again the
    uncached index's rate in bench/view_throughput.py). Only the unfiltered listing: its query
    walks at most a page of the time index, so no query can hold the others up for long."""

    def __init__(self, pool: Pool) -> None:
        super().__init__(name="page-versions", max_batch=16)
        self._pool = pool

    async def read(self, query: bytes, params: list[Any]) -> list[tuple[int, int]]:
        """The row versions ``query`` finds; raises ``StoreUnavailable`` if it failed."""
        try:
            return await self.submit((query, params))
        except StoreUnavailable as error:  # one error may answer a batch: each caller its own
            raise StoreUnavailable(error.message) from error.__cause__

    async def _send_batch(self, items: list[tuple[bytes, list[Any]]]) -> list[Any]:
        async with connection(self._pool, "page") as conn:
            if len(items) == 1:
                cursor = await conn.execute(*items[0], binary=True)
                return [await cursor.fetchall()]
            async with conn.pipeline() as pipeline:
                cursors = [await conn.execute(*item, binary=True) for item in items]
                await pipeline.sync()
                return [await cursor.fetchall() for cursor in cursors]

    def _fails_queued(self, error: Exception) -> bool:
        return isinstance(error, StoreUnavailable)  # unreachable: the rest would wait, then fail


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
        self._versions = _VersionReads(pool)
        self._kept_rows = kept_rows

    async def page(
        self, filters: NoteFilter, *, limit: int, after: Keyset | None = None, newer: bool = False
    ) -> list[NoteSummary]:
        """Up to ``limit`` notes next to ``after`` in the listing (newest first) order.

        ``newer`` walks towards the newest notes (a "previous" link); rows then come nearest
        first, and the caller reverses them for display.
        """
        shape, params = _where(filters)
        if after is not None:
            params.extend(after)
        params.append(limit)
        versions, full = _page_queries(shape, after is not None, newer)
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

"""The listing's SQL: the filters, a page's two queries composed once per shape, and their
pipelined reads.

A page's rows are the newest of each ReleaseNote (no newer row of the same ``namespace/name``),
not deleted, filtered, walked on ``(created_at, id)`` from a cursor. Each shape (which filters are
set, whether there is a cursor, which way) has two queries: the row versions (``id`` and
``xmin``) the page holds, and the columns the page shows with the version (see ``note_pages``).
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from psycopg import sql

from relnotes.models.errors import StoreUnavailable
from relnotes.storage.batching import Batcher
from relnotes.storage.database import Pool, connection

__all__ = ["NoteFilter", "VersionReads", "page_queries", "shape_of"]


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
)  # in note_pages.NoteSummary's field order
_NEWEST = sql.SQL(
    "NOT EXISTS (SELECT 1 FROM release_notes n WHERE n.namespace = r.namespace"
    " AND n.name = r.name AND (n.created_at, n.id) > (r.created_at, r.id))"
)
# A row version: xmin (xid) read as an integer, so the binary protocol carries it.
_XMIN = sql.SQL("r.xmin::text::bigint")
_VERSION = sql.SQL("r.id, {}").format(_XMIN)
_COLUMN_FILTERS = ("namespace", "component", "environment", "version")
_DRAFT_FILTERS = {"category": "category", "risk": "risk"}


def shape_of(filters: NoteFilter) -> tuple[tuple[str, ...], list[Any]]:
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
def page_queries(shape: tuple[str, ...], cursor: bool, newer: bool) -> tuple[bytes, bytes]:
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


class VersionReads(Batcher[tuple[bytes, list[Any]], list[tuple[int, int]]]):
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

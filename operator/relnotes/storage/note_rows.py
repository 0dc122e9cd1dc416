"""Reading the history of ReleaseNotes: typed rows, newest first, one query per view page.

Rows are ``NoteRow`` (pydantic, validated on the way out of Postgres) and carry everything the
view shows. Only the filters a caller gives reach the SQL, so each query can use its own index
(``storage/migrations``).
"""

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.rows import TupleRow, class_row
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel, ConfigDict

from relnotes.models.result import NoteDraft, Provenance
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.database import connection

__all__ = ["NoteRow", "NoteRows"]

_COLUMNS = sql.SQL(", ").join(
    sql.Identifier(column)
    for column in (
        "id", "uid", "generation", "namespace", "name", "component", "environment", "version",
        "spec", "phase", "draft", "provenance", "cache_key", "cache_hit", "error", "created_at",
        "updated_at", "deleted_at",
    )
)  # fmt: skip
_LATEST = sql.SQL(
    "SELECT {columns} FROM release_notes WHERE namespace = %s AND name = %s"
    " ORDER BY created_at DESC, id DESC LIMIT 1"
).format(columns=_COLUMNS)


class NoteRow(BaseModel):
    """A ``release_notes`` row, typed; what the view reads."""

    model_config = ConfigDict(frozen=True)

    id: int
    uid: str
    generation: int
    namespace: str
    name: str
    component: str | None
    environment: str | None
    version: str | None
    spec: ReleaseNoteSpec
    phase: str
    draft: NoteDraft | None
    provenance: Provenance | None
    cache_key: str | None
    cache_hit: bool | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class NoteRows:
    """Read access to ``release_notes``; every failure to reach Postgres is StoreUnavailable."""

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[TupleRow]]) -> None:
        self._pool = pool

    async def ping(self) -> None:
        """Prove Postgres answers (liveness probe)."""
        async with connection(self._pool, "ping") as conn:
            await conn.execute("SELECT 1")

    async def latest(self, namespace: str, name: str) -> NoteRow | None:
        """The newest row of one resource (deleted or not), or None."""
        async with connection(self._pool, "latest") as conn:
            cursor = conn.cursor(row_factory=class_row(NoteRow))
            await cursor.execute(
                _LATEST,
                (namespace, name),
            )
            return await cursor.fetchone()

    async def list(
        self,
        namespace: str | None = None,
        component: str | None = None,
        version: str | None = None,
        limit: int = 50,
        before: datetime | None = None,
        live_only: bool = False,
    ) -> list[NoteRow]:
        """Rows newest first, filtered by whatever is given; ``before`` pages by time.

        ``live_only`` leaves out the history of deleted resources in the query itself, so a
        page holds ``limit`` rows however many deleted ones are newer.
        """
        filters = {"namespace": namespace, "component": component, "version": version}
        where: list[sql.Composable] = [
            sql.SQL("{} = %s").format(sql.Identifier(k)) for k, v in filters.items() if v
        ]
        params: list[Any] = [v for v in filters.values() if v]
        if before is not None:
            where.append(sql.SQL("created_at < %s"))
            params.append(before)
        if live_only:
            where.append(sql.SQL("deleted_at IS NULL"))
        query = sql.SQL(
            "SELECT {columns} FROM release_notes {where} ORDER BY created_at DESC, id DESC LIMIT %s"
        ).format(
            columns=_COLUMNS,
            where=sql.SQL("WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
        )
        async with connection(self._pool, "list") as conn:
            cursor = conn.cursor(row_factory=class_row(NoteRow))
            await cursor.execute(query, [*params, max(1, min(limit, 500))])
            return await cursor.fetchall()

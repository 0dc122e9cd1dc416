"""The durable history of ReleaseNotes in Postgres: one row per resource uid and generation.

Every write is an upsert on ``(uid, generation)``, so a retried handler, a second replica or a
resumed operator rewrites the same row instead of adding one. ``begin`` runs before any model
call: it proves Postgres takes writes (no spend without a durable record) and leaves a
``Generating`` row behind as the intent. Rows are typed (``NoteRow``) and carry everything the
view shows.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

from psycopg import AsyncConnection, sql
from psycopg.rows import TupleRow, class_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel, ConfigDict

from relnotes.models.result import GeneratedNote, NoteDraft, Provenance
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.database import connection

__all__ = ["NoteRef", "NoteRow", "NoteStore"]

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
_UPSERT: LiteralString = """
INSERT INTO release_notes AS r
    (uid, generation, namespace, name, component, environment, version, spec, phase,
     draft, provenance, cache_key, cache_hit, error)
VALUES (%(uid)s, %(generation)s, %(namespace)s, %(name)s, %(component)s, %(environment)s,
        %(version)s, %(spec)s, %(phase)s, %(draft)s, %(provenance)s, %(cache_key)s,
        %(cache_hit)s, %(error)s)
ON CONFLICT (uid, generation) DO UPDATE SET
    phase = CASE WHEN EXCLUDED.phase = 'Generating' AND r.phase = 'Ready'
                 THEN r.phase ELSE EXCLUDED.phase END,
    draft = COALESCE(EXCLUDED.draft, r.draft),
    provenance = COALESCE(EXCLUDED.provenance, r.provenance),
    cache_key = COALESCE(EXCLUDED.cache_key, r.cache_key),
    cache_hit = COALESCE(EXCLUDED.cache_hit, r.cache_hit),
    error = EXCLUDED.error,
    updated_at = now(),
    deleted_at = NULL
"""


@dataclass(frozen=True)
class NoteRef:
    """Which resource, at which generation, a row belongs to."""

    uid: str
    generation: int
    namespace: str
    name: str


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


class NoteStore:
    """Repository over ``release_notes``; every failure to reach Postgres is StoreUnavailable."""

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[TupleRow]]) -> None:
        self._pool = pool

    async def ping(self) -> None:
        """Prove Postgres answers (liveness probe)."""
        async with connection(self._pool, "ping") as conn:
            await conn.execute("SELECT 1")

    async def begin(self, ref: NoteRef, spec: ReleaseNoteSpec, cache_key: str) -> None:
        """Record the intent to generate; runs before any model call is paid for."""
        await self._upsert(ref, spec, phase="Generating", cache_key=cache_key)

    async def record(
        self, ref: NoteRef, spec: ReleaseNoteSpec, note: GeneratedNote, *, cache_key: str, hit: bool
    ) -> None:
        """Store a generated note as the resource's result for this generation."""
        await self._upsert(
            ref,
            spec,
            phase="Ready",
            draft=Jsonb(note.draft.model_dump(mode="json", by_alias=True)),
            provenance=Jsonb(note.provenance.model_dump(mode="json", by_alias=True)),
            cache_key=cache_key,
            cache_hit=hit,
        )

    async def fail(self, ref: NoteRef, spec: ReleaseNoteSpec, error: str) -> None:
        """Record a permanent failure for this generation."""
        await self._upsert(ref, spec, phase="Failed", error=error[:2000])

    async def mark_deleted(self, uid: str) -> int:
        """Mark every row of a deleted resource; returns how many rows were marked."""
        async with connection(self._pool, "mark_deleted") as conn:
            cursor = await conn.execute(
                "UPDATE release_notes SET deleted_at = now(), updated_at = now()"
                " WHERE uid = %s AND deleted_at IS NULL",
                (uid,),
            )
            return cursor.rowcount

    async def history_scope(self) -> tuple[datetime, list[str]]:
        """Postgres' clock now, and the namespaces holding history not yet marked deleted."""
        async with connection(self._pool, "history_scope") as conn:
            cursor = await conn.execute(
                "SELECT now(), coalesce(array_agg(DISTINCT namespace), '{}')"
                " FROM release_notes WHERE deleted_at IS NULL"
            )
            row = await cursor.fetchone()
        assert row is not None  # an aggregate always yields one row
        return row[0], sorted(row[1])

    async def mark_vanished(
        self, namespace: str, live_uids: Collection[str], *, unchanged_since: datetime
    ) -> int:
        """Mark the rows of ``namespace`` whose resource is gone; returns how many.

        Only rows not written since ``unchanged_since`` are touched: a resource created after
        the caller listed the live ones is never mistaken for a deleted one.
        """
        async with connection(self._pool, "mark_vanished") as conn:
            cursor = await conn.execute(
                "UPDATE release_notes SET deleted_at = now(), updated_at = now()"
                " WHERE namespace = %s AND deleted_at IS NULL AND updated_at < %s"
                " AND NOT (uid = ANY(%s))",
                (namespace, unchanged_since, list(live_uids)),
            )
            return cursor.rowcount

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
    ) -> list[NoteRow]:
        """Rows newest first, filtered by whatever is given; ``before`` pages by time.

        Only the given filters reach the SQL, so each query can use its own index.
        """
        filters = {"namespace": namespace, "component": component, "version": version}
        where: list[sql.Composable] = [
            sql.SQL("{} = %s").format(sql.Identifier(k)) for k, v in filters.items() if v
        ]
        params: list[Any] = [v for v in filters.values() if v]
        if before is not None:
            where.append(sql.SQL("created_at < %s"))
            params.append(before)
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

    async def _upsert(self, ref: NoteRef, spec: ReleaseNoteSpec, **values: Any) -> None:
        params: dict[str, Any] = {
            "uid": ref.uid,
            "generation": ref.generation,
            "namespace": ref.namespace,
            "name": ref.name,
            "component": spec.component,
            "environment": spec.environment,
            "version": spec.version,
            "spec": Jsonb(spec.to_manifest()),
            "draft": None,
            "provenance": None,
            "cache_key": None,
            "cache_hit": None,
            "error": None,
            **values,
        }
        async with connection(self._pool, "upsert") as conn:
            await conn.execute(_UPSERT, params)

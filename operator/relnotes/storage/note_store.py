"""Writing the durable history of ReleaseNotes: one row per resource uid and generation.

Every write is an upsert on ``(uid, generation)``, so a retried handler, a second replica or a
resumed operator rewrites the same row instead of adding one. ``begin`` runs before any model
call: it proves Postgres takes writes (no spend without a durable record) and leaves a
``Generating`` row behind as the intent. Reading is ``note_rows``' job; the store can do both.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from relnotes.models.result import GeneratedNote
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.batching import BatchedWriter
from relnotes.storage.database import connection
from relnotes.storage.note_rows import NoteRows

__all__ = ["NoteRef", "NoteStore"]

# Rows come as one JSON array (``BatchedWriter``), in (uid, generation) order.
_UPSERT: LiteralString = """
INSERT INTO release_notes AS r
    (uid, generation, namespace, name, component, environment, version, spec, phase,
     draft, provenance, cache_key, cache_hit, error)
SELECT x.uid, x.generation, x.namespace, x.name, x.component, x.environment, x.version, x.spec,
       x.phase, x.draft, x.provenance, x.cache_key, x.cache_hit, x.error
FROM jsonb_to_recordset(%s) AS x(uid text, generation bigint, namespace text, name text,
     component text, environment text, version text, spec jsonb, phase text, draft jsonb,
     provenance jsonb, cache_key text, cache_hit boolean, error text)
ORDER BY x.uid, x.generation
ON CONFLICT (uid, generation) DO UPDATE SET
    phase = CASE WHEN EXCLUDED.phase = 'Generating' AND r.phase = 'Ready'
                 THEN r.phase ELSE EXCLUDED.phase END,
    draft = COALESCE(EXCLUDED.draft, r.draft),
    provenance = COALESCE(EXCLUDED.provenance, r.provenance),
    cache_key = COALESCE(EXCLUDED.cache_key, r.cache_key),
    cache_hit = CASE WHEN r.cache_hit IS FALSE AND r.phase = 'Ready' THEN FALSE
                     WHEN EXCLUDED.cache_hit AND r.phase = 'Generating' THEN FALSE
                     ELSE COALESCE(EXCLUDED.cache_hit, r.cache_hit) END,
    error = EXCLUDED.error,
    updated_at = now(),
    deleted_at = NULL
RETURNING uid, generation, cache_hit
"""


@dataclass(frozen=True)
class NoteRef:
    """Which resource, at which generation, a row belongs to."""

    uid: str
    generation: int
    namespace: str
    name: str


class NoteStore(NoteRows):
    """Repository over ``release_notes``; every failure to reach Postgres is StoreUnavailable.

    Upserts that arrive together are written by one statement (``BatchedWriter``); each still
    returns only once its own row is written.
    """

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[TupleRow]]) -> None:
        super().__init__(pool)
        self._upserts = BatchedWriter(
            pool, _UPSERT, key=lambda row: (row["uid"], row["generation"]), action="upsert"
        )

    async def begin(self, ref: NoteRef, spec: ReleaseNoteSpec, cache_key: str) -> None:
        """Record the intent to generate; runs before any model call is paid for."""
        await self._upsert(ref, spec, phase="Generating", cache_key=cache_key)

    async def record(
        self, ref: NoteRef, spec: ReleaseNoteSpec, note: GeneratedNote, *, cache_key: str, hit: bool
    ) -> bool:
        """Store a generated note as the resource's result for this generation.

        Returns the row's ``cache_hit``: once a resource paid for a generation's note (its row
        says Ready, not a hit), a later cache hit for it (a second replica, a retry) leaves that
        false, so history, and the status written from this answer, say who paid. A hit that
        lands while the row says Generating is false too: only a payer writes that (``begin``
        runs right before the model call), so another replica is paying for this very resource
        and the note it found is that payment's, whichever of the two records first.
        """
        return bool(
            await self._upsert(
                ref,
                spec,
                phase="Ready",
                draft=note.draft.model_dump(mode="json", by_alias=True),
                provenance=note.provenance.model_dump(mode="json", by_alias=True),
                cache_key=cache_key,
                cache_hit=hit,
            )
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

    async def _upsert(self, ref: NoteRef, spec: ReleaseNoteSpec, **values: Any) -> Any:
        params: dict[str, Any] = {
            "uid": ref.uid,
            "generation": ref.generation,
            "namespace": ref.namespace,
            "name": ref.name,
            "component": spec.component,
            "environment": spec.environment,
            "version": spec.version,
            "spec": spec.to_manifest(),
            "draft": None,
            "provenance": None,
            "cache_key": None,
            "cache_hit": None,
            "error": None,
            **values,
        }
        return await self._upserts.write(params)

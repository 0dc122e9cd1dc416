"""The history store on a real Postgres: migrations under concurrency, idempotent upserts, and
the queries the view runs."""

from __future__ import annotations

import asyncio
import os
import subprocess
from datetime import UTC, datetime, timedelta

import psycopg
from servers import PostgresServer
from tests.notes import sample_note
from tests.tools import RELNOTES

from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.migrations import apply_migrations, available_migrations
from relnotes.storage.note_store import NoteRef, NoteStore


async def test_concurrent_migrations_apply_each_file_once(database: str) -> None:
    results = await asyncio.gather(*(apply_migrations(database) for _ in range(4)))
    versions = [m.version for m in available_migrations()]
    assert sorted(v for applied in results for v in applied) == versions
    with psycopg.connect(database) as conn:
        count = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert count == (len(versions),)


def test_migrate_command_exit_codes(database: str, postgres_server: PostgresServer) -> None:
    """``relnotes migrate`` as the Job runs it: 0 applied or up to date, 1 when Postgres cannot
    be reached, 2 (naming the variable) when it is not configured."""

    def migrate(url: str | None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RELNOTES_")}
        if url is not None:
            env["RELNOTES_DATABASE_URL"] = url
        command = [RELNOTES, "migrate", "--timeout", "2"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    assert migrate(database).returncode == 0
    assert migrate(database).returncode == 0  # already up to date
    assert migrate("host=127.0.0.1 port=1 dbname=x user=x").returncode == 1
    unset = migrate(None)
    assert unset.returncode == 2
    assert "RELNOTES_DATABASE_URL: required by migrate" in unset.stderr


async def test_upserts_are_idempotent_per_uid_and_generation(store: NoteStore) -> None:
    spec = ReleaseNoteSpec.model_validate(
        {"changeSummary": "Bump Redis", "component": "redis", "version": "1.2"}
    )
    ref = NoteRef("uid-1", 1, "ns", "cache")
    await store.begin(ref, spec, "rn1:k")
    await store.record(ref, spec, sample_note(), cache_key="rn1:k", hit=False)
    await store.begin(ref, spec, "rn1:k")  # a retry after success does not downgrade the row
    # A later cache hit for the same resource and generation (a second replica, a retry)
    # does not rewrite who paid: the row, and the answer, stay "not a hit".
    assert await store.record(ref, spec, sample_note(), cache_key="rn1:k", hit=True) is False
    rows = await store.list(namespace="ns")
    assert len(rows) == 1
    row = rows[0]
    assert row.phase == "Ready"
    assert row.draft is not None
    assert row.draft.release_note == "Upgraded Redis to 7.2."
    assert row.provenance is not None
    assert row.provenance.provider == "deterministic"
    assert row.spec.component == "redis"
    assert row.cache_hit is False
    assert row.deleted_at is None


async def test_the_replica_that_did_not_pay_cannot_record_a_hit_first(store: NoteStore) -> None:
    """Two replicas on one resource: A begins (it is about to pay), B finds A's note in the cache
    and records first. Both answers, and the row, say the resource paid, in either order."""
    spec = ReleaseNoteSpec.model_validate({"changeSummary": "Bump Redis to 7.2"})
    paid = NoteRef("uid-paid", 1, "ns", "paid")
    await store.begin(paid, spec, "rn1:k")  # replica A, right before its model call
    assert await store.record(paid, spec, sample_note(), cache_key="rn1:k", hit=True) is False
    assert await store.record(paid, spec, sample_note(), cache_key="rn1:k", hit=False) is False
    other = NoteRef("uid-other", 1, "ns", "other")  # same input, another resource: a real hit
    assert await store.record(other, spec, sample_note(), cache_key="rn1:k", hit=True) is True
    hits = {row.name: row.cache_hit for row in await store.list(namespace="ns")}
    assert hits == {"paid": False, "other": True}


async def test_latest_list_filters_paging_and_deletion(store: NoteStore) -> None:
    redis = ReleaseNoteSpec.model_validate(
        {"changeSummary": "Bump Redis", "component": "redis", "version": "1.2"}
    )
    dns = ReleaseNoteSpec.model_validate(
        {"changeSummary": "Move DNS", "component": "dns", "version": "1.3"}
    )
    await store.record(
        NoteRef("a", 1, "ns", "cache"), redis, sample_note(), cache_key="k1", hit=False
    )
    await store.record(
        NoteRef("a", 2, "ns", "cache"), redis, sample_note(), cache_key="k2", hit=False
    )
    await store.record(
        NoteRef("b", 1, "other", "dns"), dns, sample_note(), cache_key="k3", hit=False
    )
    await store.fail(NoteRef("c", 1, "ns", "broken"), dns, "InvalidOutput: nope")

    latest = await store.latest("ns", "cache")
    assert latest is not None
    assert latest.generation == 2
    assert await store.latest("ns", "missing") is None

    assert [r.name for r in await store.list(component="dns")] == ["broken", "dns"]
    assert [r.generation for r in await store.list(version="1.2")] == [2, 1]
    assert {r.namespace for r in await store.list(namespace="other")} == {"other"}
    failed = await store.latest("ns", "broken")
    assert failed is not None
    assert failed.phase == "Failed"
    assert failed.error == "InvalidOutput: nope"

    everything = await store.list(limit=2)
    assert len(everything) == 2
    older = await store.list(before=datetime.now(UTC) + timedelta(seconds=1), limit=10)
    assert len(older) == 4

    assert await store.mark_deleted("a") == 2
    assert await store.mark_deleted("a") == 0
    marked = await store.latest("ns", "cache")
    assert marked is not None
    assert marked.deleted_at is not None
    # A page of live notes is full even when the newest rows belong to deleted resources.
    assert [r.uid for r in await store.list(limit=2, live_only=True)] == ["c", "b"]


async def test_mark_vanished_spares_live_and_recent_rows(store: NoteStore) -> None:
    spec = ReleaseNoteSpec.model_validate({"changeSummary": "Rotate the Redis AUTH token"})
    for uid in ("live", "gone"):
        await store.record(
            NoteRef(uid, 1, "ns", uid), spec, sample_note(), cache_key="k", hit=False
        )
    since, namespaces = await store.history_scope()
    await store.record(
        NoteRef("new", 1, "ns", "new"), spec, sample_note(), cache_key="k", hit=False
    )
    assert namespaces == ["ns"]

    # "new" was written after the sweep's clock: not in the list, yet not taken for deleted.
    assert await store.mark_vanished("ns", {"live"}, unchanged_since=since) == 1
    marked = {r.uid for r in await store.list(limit=10) if r.deleted_at is not None}
    assert marked == {"gone"}
    assert await store.mark_vanished("ns", {"live"}, unchanged_since=since) == 0
    assert (await store.history_scope())[1] == ["ns"]  # live and new remain unmarked

"""Storage degrades or translates at its edge: Redis failures are misses, Postgres failures are
StoreUnavailable, and migrations are discovered from package data in order."""

from __future__ import annotations

import asyncio
import socket

import pytest
from tests.notes import sample_note

from relnotes.models.errors import StoreUnavailable
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.database import build_pool, connection
from relnotes.storage.migrations import available_migrations
from relnotes.storage.note_store import NoteRef, NoteStore
from relnotes.storage.redis_cache import RedisCache, build_redis


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed once the socket is: nothing listens there


async def test_redis_down_is_a_miss_a_skipped_put_and_no_lock() -> None:
    client = build_redis(f"redis://127.0.0.1:{_closed_port()}/0", timeout_s=0.2)
    cache = RedisCache(client)
    try:
        async with cache.claim("k", timeout_s=5) as claim:
            assert claim.note is None
            assert claim.locked is False
            await claim.fill(sample_note(), ttl_s=60)  # logged, not raised
    finally:
        await client.aclose()


async def test_postgres_down_is_store_unavailable_within_the_acquire_timeout() -> None:
    pool = build_pool(
        f"host=127.0.0.1 port={_closed_port()} user=x dbname=x", acquire_timeout_s=0.5
    )
    await pool.open(wait=False)
    try:
        with pytest.raises(StoreUnavailable, match="postgres unavailable during probe"):
            async with connection(pool, "probe") as conn:
                await conn.execute("SELECT 1")
    finally:
        await pool.close()


def test_migrations_are_packaged_and_ordered() -> None:
    found = available_migrations()
    assert found
    assert [m.version for m in found] == sorted(m.version for m in found)
    assert found[0].name == "0001_release_notes.sql"
    assert "UNIQUE (uid, generation)" in found[0].sql


async def test_postgres_down_fails_every_queued_write_at_once() -> None:
    pool = build_pool(
        f"host=127.0.0.1 port={_closed_port()} user=x dbname=x", acquire_timeout_s=0.5
    )
    await pool.open(wait=False)
    store = NoteStore(pool)
    spec = ReleaseNoteSpec.model_validate({"changeSummary": "Rotate the KMS key"})
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        results = await asyncio.gather(
            *(store.begin(NoteRef(f"u{i}", 1, "ns", "n"), spec, "k") for i in range(200)),
            return_exceptions=True,
        )
    finally:
        await pool.close()
    assert all(isinstance(result, StoreUnavailable) for result in results)
    assert len({id(result) for result in results}) == len(results), "each caller its own error"
    assert loop.time() - started < 2.0, "not one acquire timeout per batch"


async def test_redis_down_fails_every_pipelined_call_at_once() -> None:
    client = build_redis(f"redis://127.0.0.1:{_closed_port()}/0", timeout_s=0.2)
    cache = RedisCache(client)

    async def claimed(key: str) -> tuple[object, bool]:
        async with cache.claim(key, timeout_s=5) as claim:
            return claim.note, claim.locked

    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        results = await asyncio.gather(*(claimed(f"k{i}") for i in range(200)))
    finally:
        await client.aclose()
    assert results == [(None, False)] * 200
    assert loop.time() - started < 2.0

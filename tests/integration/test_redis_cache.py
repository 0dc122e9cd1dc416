"""The Redis draft cache against a real Redis: claims coalesce, locks are released and expire,
and a holder never releases a lock that is no longer its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from servers import RedisServer
from tests.notes import sample_note

from relnotes.storage.redis_cache import RedisCache, build_redis


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    redis = build_redis(redis_url)
    yield redis
    await redis.aclose()


async def test_a_waiter_finds_the_holders_note_without_taking_the_lock(client: Redis) -> None:
    holder, waiter = RedisCache(client), RedisCache(client)  # two replicas, one Redis
    note = sample_note()
    async with holder.claim("k", timeout_s=5) as claim:
        assert claim.locked
        assert claim.note is None
        waiting = asyncio.create_task(_claimed(waiter, "k"))
        await asyncio.sleep(0.2)
        assert not waiting.done(), "the waiter must wait while the holder drafts"
        await claim.fill(note, ttl_s=60)
    found, locked = await asyncio.wait_for(waiting, 2)
    assert found == note
    assert not locked
    assert await client.exists("relnotes:lock:k") == 0


async def test_an_unfilled_claim_releases_the_lock_for_the_next_caller(client: Redis) -> None:
    cache = RedisCache(client)

    async def failing_draft() -> None:
        async with cache.claim("k", timeout_s=5) as claim:
            assert claim.locked
            raise RuntimeError("the model call failed")

    with pytest.raises(RuntimeError):
        await failing_draft()
    loop = asyncio.get_running_loop()
    started = loop.time()
    found, locked = await _claimed(cache, "k")
    assert locked
    assert found is None
    assert loop.time() - started < 0.5


async def test_a_waiter_gives_up_after_its_timeout(client: Redis) -> None:
    cache = RedisCache(client)
    async with cache.claim("k", timeout_s=5) as claim:
        assert claim.locked
        loop = asyncio.get_running_loop()
        started = loop.time()
        found, locked = await _claimed(cache, "k", timeout_s=0.3)
        assert found is None
        assert not locked
        assert 0.3 <= loop.time() - started < 1.0


async def test_without_lookup_a_cached_note_is_drafted_again(client: Redis) -> None:
    cache = RedisCache(client)
    async with cache.claim("k", timeout_s=5) as claim:
        await claim.fill(sample_note(), ttl_s=60)
    found, locked = await _claimed(cache, "k", lookup=False)
    assert found is None
    assert locked
    assert await client.ttl("relnotes:note:k") > 0


async def test_an_unreadable_note_is_a_miss_that_takes_the_lock(client: Redis) -> None:
    await client.set("relnotes:note:k", b"{not a note")
    cache = RedisCache(client)
    async with cache.claim("k", timeout_s=5) as claim:
        assert claim.note is None
        assert claim.locked
        await claim.fill(sample_note(), ttl_s=60)
    found, _ = await _claimed(cache, "k")
    assert found == sample_note()


async def test_an_expired_holder_neither_releases_nor_takes_over_anothers_lock(
    client: Redis,
) -> None:
    cache = RedisCache(client, lock_expiry_s=1)
    async with cache.claim("k", timeout_s=5) as late:
        assert late.locked
        await client.delete("relnotes:lock:k")  # the lease lapsed (say "late" stalled)
        async with RedisCache(client).claim("k", timeout_s=5, lookup=False) as current:
            assert current.locked
            await late.fill(sample_note(), ttl_s=60)  # caches the note, keeps current's lock
            assert await client.exists("relnotes:lock:k") == 1
        assert await client.exists("relnotes:lock:k") == 0
    found, _ = await _claimed(cache, "k")
    assert found == sample_note()


async def test_a_live_holder_keeps_its_lease_past_the_expiry(client: Redis) -> None:
    cache = RedisCache(client, lock_expiry_s=1)
    async with cache.claim("k", timeout_s=5) as claim:
        assert claim.locked
        await asyncio.sleep(2.5)  # a slow model call: two and a half lease lengths
        assert await client.pttl("relnotes:lock:k") > 0
        found, locked = await _claimed(RedisCache(client), "k", timeout_s=0.2)
        assert (found, locked) == (None, False)  # still held: nobody else drafts
    assert await client.exists("relnotes:lock:k") == 0


async def test_a_dead_holders_lock_frees_within_one_lease(client: Redis) -> None:
    cache = RedisCache(client, lock_expiry_s=1)
    await client.set("relnotes:lock:k", "dead-replica", px=1000)  # its holder never renews
    waits: list[bool] = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with cache.claim("k", timeout_s=5, on_wait=lambda: waits.append(True)) as claim:
        assert claim.locked
    assert 0.5 < loop.time() - started < 1.5
    assert waits == [True]  # told once that it waits


async def _claimed(
    cache: RedisCache, key: str, *, timeout_s: float = 5.0, lookup: bool = True
) -> tuple[object, bool]:
    async with cache.claim(key, timeout_s, lookup=lookup) as claim:
        return claim.note, claim.locked


async def test_the_first_claim_after_redis_restarts_still_coalesces(
    private_redis: RedisServer,
) -> None:
    client = build_redis(private_redis.url)
    try:
        cache = RedisCache(client)
        assert (await _claimed(cache, "k"))[1]  # the pooled connection is open now
        private_redis.stop()
        private_redis.start()
        found, locked = await _claimed(cache, "k")  # the dead connection is replaced at once
        assert (found, locked) == (None, True)
    finally:
        await client.aclose()

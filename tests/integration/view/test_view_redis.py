"""Two ``relnotes view`` processes sharing rendered pages through Redis, as two replicas do.

A page one replica rendered is answered by the other from Redis; a new note shows on both
within 2 s (no replica serves a page from before it); with Redis killed, every page still comes
from Postgres, at once.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable

import aiohttp
import redis
from servers import RedisServer
from view_server import relnotes_view

Writer = Callable[..., Awaitable[None]]


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as response:
        return response.status, await response.text()


async def _redis_hits(session: aiohttp.ClientSession, base: str) -> float:
    text = (await _get(session, f"{base}/metrics"))[1]
    found = re.search(r"^relnotes_view_redis_cache_hits_total (\S+)$", text, re.M)
    assert found is not None, text[:2000]
    return float(found.group(1))


async def _shows(session: aiohttp.ClientSession, base: str, text: str, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while text not in (await _get(session, f"{base}/notes"))[1]:
        assert time.monotonic() < deadline, f"{base}: {text} not shown within {within_s} s"
        await asyncio.sleep(0.05)


async def test_replicas_share_pages_and_both_show_a_new_note_within_two_seconds(
    database: str, redis_server: RedisServer, write: Writer
) -> None:
    redis_server.flush()
    await write("first")
    with (
        relnotes_view(database, redis_server.url) as one,
        relnotes_view(database, redis_server.url) as two,
    ):
        async with aiohttp.ClientSession() as session:
            # Each replica keeps pages only once its change listener is connected: render a
            # page on one, ask the other for it, until the other answers from Redis.
            for limit in range(1, 101):
                status, rendered = await _get(session, f"{one}/notes?limit={limit}")
                assert status == 200
                served = await _get(session, f"{two}/notes?limit={limit}")
                if await _redis_hits(session, two) > 0:
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the second replica never answered from Redis")
            assert served == (200, rendered)
            assert "notes/platform/first" in rendered

            for base in (one, two):  # both have /notes cached, in the process and in Redis
                await _shows(session, base, "notes/platform/first", 2)
            await write("second")
            started = time.monotonic()
            await asyncio.gather(
                *(_shows(session, b, "notes/platform/second", 2) for b in (one, two))
            )
            assert time.monotonic() - started < 2
            for base in (one, two):
                assert "notes/platform/second" in (await _get(session, f"{base}/notes?limit=5"))[1]


async def test_redis_killed_pages_come_from_postgres_at_once(
    database: str, private_redis: RedisServer, write: Writer
) -> None:
    await write("before")
    with relnotes_view(database, private_redis.url) as view:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):  # until a page is in Redis (the listener is connected)
                await _get(session, f"{view}/notes?limit=3")
                if _pages_in(private_redis):
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("no page was ever kept in Redis")
            private_redis.stop()
            await write("after")
            timings = []
            for url in ("/notes", "/notes?limit=3", "/notes/platform/before", "/changelog.md",
                        "/api/v1/notes", "/notes/platform/after.json"):  # fmt: skip
                for _ in range(2):
                    started = time.perf_counter()
                    status, body = await _get(session, view + url)
                    timings.append(time.perf_counter() - started)
                    assert status == 200, (url, body[:500])
            assert max(timings) < 0.5, timings
            await _shows(session, view, "notes/platform/after", 2)
            assert (await _get(session, f"{view}/readyz"))[0] == 200


def _pages_in(server: RedisServer) -> bool:
    client = redis.Redis(port=server.port)
    try:
        return bool(client.keys("relnotes:view:page:*"))
    finally:
        client.close()

"""Concurrent script calls share pipelines, yet each gets its own reply: an error reply fails
only its call, a Redis that lost its scripts is answered, a caller that gives up stops no one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from relnotes.storage.redis_cache import build_redis
from relnotes.storage.redis_pipeline import PipelinedScript

ECHO = "return {KEYS[1], ARGV[1]}"
GET = "return redis.call('GET', KEYS[1])"


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    redis = build_redis(redis_url)
    yield redis
    await redis.aclose()


@pytest.fixture
def batch_sizes(spy_batches: Callable[[type[Any]], list[int]]) -> list[int]:
    """The size of every batch the scripts send, in order."""
    return spy_batches(PipelinedScript)


async def test_concurrent_calls_share_pipelines_and_get_their_own_replies(
    client: Redis, batch_sizes: list[int]
) -> None:
    echo = PipelinedScript(client, ECHO)
    replies = await asyncio.gather(*(echo([f"k{i}"], [i]) for i in range(300)))
    assert replies == [[f"k{i}".encode(), str(i).encode()] for i in range(300)]
    assert sum(batch_sizes) == 300
    assert len(batch_sizes) < 10
    assert max(batch_sizes) <= 128
    assert await echo(["alone"], ["1"]) == [b"alone", b"1"]  # a single call, sent as it is


async def test_an_error_reply_fails_only_its_own_call(client: Redis) -> None:
    await client.rpush("a-list", "x")
    await client.set("a-string", "y")
    get = PipelinedScript(client, GET)
    keys = ["a-string", "a-list", "missing"]
    replies = await asyncio.gather(*(get([key], []) for key in keys), return_exceptions=True)
    assert replies[0] == b"y"
    assert isinstance(replies[1], ResponseError)  # WRONGTYPE
    assert replies[2] is None


async def test_a_redis_that_lost_its_scripts_is_answered(client: Redis) -> None:
    echo = PipelinedScript(client, ECHO)
    await echo(["k"], ["warm"])
    await client.script_flush()  # as after a restart or a failover
    replies = await asyncio.gather(*(echo([f"k{i}"], [i]) for i in range(20)))
    assert replies == [[f"k{i}".encode(), str(i).encode()] for i in range(20)]


async def test_a_caller_that_gives_up_does_not_stop_the_others(client: Redis) -> None:
    echo = PipelinedScript(client, ECHO)
    calls = [asyncio.create_task(echo([f"k{i}"], [i])) for i in range(20)]
    await asyncio.sleep(0)  # every call queued
    calls[3].cancel()
    replies = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(replies.pop(3), asyncio.CancelledError)
    assert len(replies) == 19
    assert all(isinstance(reply, list) for reply in replies)
    assert await echo(["later"], ["1"]) == [b"later", b"1"]  # the sender goes on

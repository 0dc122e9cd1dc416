"""Rendered view pages in Redis, shared by every view replica, under a generation that changes.

A page is kept under ``{prefix}{generation}:{digest of its key}``. The generation is one Redis
counter; each replica increments it whenever Postgres tells it the notes changed (and when its
listener reconnects, since it may have missed a notification), before it reads or writes a
page again. A page rendered before a change is therefore either written under a generation
nobody reads any more, or not written at all: writing is one script that checks the
generation the page was looked up under is still the current one. Entries of old generations
expire by themselves (``ttl_s``). Each lookup and each write is one Lua script, one round trip
shared with concurrent calls (``redis_pipeline``); the scripts touch keys they compute, which
one Redis node or replication group allows (cluster mode would need one hash slot).

Failures are ``StoreUnavailable``: the view answers from Postgres instead.
"""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from relnotes.models.errors import StoreUnavailable
from relnotes.storage.redis_pipeline import PipelinedScript

__all__ = ["RedisPages"]

_FAILURES = (RedisError, OSError, TimeoutError)

# KEYS: generation. ARGV: move the generation on first (1/0), page key prefix, page digest.
# Returns {generation, page or false}.
_LOOKUP = """
if ARGV[1] == '1' then redis.call('INCR', KEYS[1]) end
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[2] .. generation .. ':' .. ARGV[3])}
"""
# KEYS: generation. ARGV: the generation looked up under, page key prefix, digest, page, ttl s.
_STORE = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', ARGV[2] .. ARGV[1] .. ':' .. ARGV[3], ARGV[4], 'EX', ARGV[5])
return 1
"""


class RedisPages:
    """Pages (bytes) by key, in the current generation; see the module docstring."""

    def __init__(self, client: "Redis", *, prefix: str = "relnotes:view:", ttl_s: int = 600):
        self._generation_key = f"{prefix}generation"
        self._prefix = f"{prefix}page:"
        self._ttl_s = ttl_s
        self._lookup = PipelinedScript(client, _LOOKUP)
        self._store = PipelinedScript(client, _STORE)

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()

    async def get(self, key: str, *, move_on: bool = False) -> tuple[str, bytes | None]:
        """The current generation, and the page under ``key`` in it (None: not there).

        ``move_on`` first starts a new generation (the notes changed since the last one).
        """
        async with _translated("lookup"):
            args = ("1" if move_on else "0", self._prefix, self._digest(key))
            generation, page = await self._lookup([self._generation_key], args)
        return generation.decode() if isinstance(generation, bytes) else str(generation), page

    async def put(self, key: str, generation: str, page: bytes) -> bool:
        """Keep ``page`` under ``key`` if ``generation`` is still the current one."""
        async with _translated("store"):
            args = (generation, self._prefix, self._digest(key), page, self._ttl_s)
            return bool(await self._store([self._generation_key], args))


@asynccontextmanager
async def _translated(action: str) -> AsyncIterator[None]:
    try:
        yield
    except _FAILURES as error:
        raise StoreUnavailable(f"redis unavailable during page {action}: {error}") from error

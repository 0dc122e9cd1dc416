"""The shared draft cache and generation lock in Redis, for every operator replica.

Redis speeds generation up and coalesces identical work; it is never the reason a note is not
written. Every call has a short socket timeout and no client-side retries, and any Redis failure
degrades: ``get`` misses, ``put`` is skipped, ``lock`` yields False at once. The lock is a
redis-py ``Lock`` with an expiry, so a replica that dies holding it cannot wedge a key, and a
bounded blocking wait, so a waiter gives up instead of hanging.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from pydantic import ValidationError
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import LockError, RedisError
from redis.maint_notifications import MaintNotificationsConfig

from relnotes.models.result import GeneratedNote

__all__ = ["RedisCache", "build_redis"]

log = logging.getLogger(__name__)

_FAILURES = (RedisError, OSError, TimeoutError)


def build_redis(url: str, *, timeout_s: float = 2.0, max_connections: int = 64) -> "Redis":
    """A client that fails fast: short timeouts, no retries (the caller degrades instead).

    The pool blocks (up to ``timeout_s``) for a free connection rather than failing at once:
    hundreds of resources reconciling together must queue, not turn into cache misses.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout_s,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=30,
        driver_info=None,  # no CLIENT SETINFO: one round trip less per new connection
        maint_notifications_config=MaintNotificationsConfig(enabled=False),
    )
    client: Redis = Redis.from_pool(pool)  # the client owns the pool: aclose() closes both
    return client


class RedisCache:
    """``DraftCache`` on Redis: notes under ``{prefix}note:{key}``, locks under ``lock:``."""

    def __init__(
        self, client: "Redis", *, prefix: str = "relnotes:", lock_expiry_s: float = 120.0
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._lock_expiry_s = lock_expiry_s

    async def ping(self) -> None:
        """Raise if Redis does not answer (liveness probe); the only call that raises."""
        await self._client.ping()

    async def get(self, key: str) -> GeneratedNote | None:
        try:
            raw = await self._client.get(f"{self._prefix}note:{key}")
        except _FAILURES as error:
            log.warning("redis get failed; treating as a miss", extra={"error": str(error)})
            return None
        if raw is None:
            return None
        try:
            return GeneratedNote.model_validate_json(raw)
        except ValidationError as error:
            log.warning("cached note is invalid; ignoring it", extra={"error": str(error)})
            return None

    async def put(self, key: str, note: GeneratedNote, ttl_s: int) -> None:
        payload = note.model_dump_json(by_alias=True)
        try:
            await self._client.set(f"{self._prefix}note:{key}", payload, ex=ttl_s)
        except _FAILURES as error:
            log.warning("redis put failed; note not cached", extra={"error": str(error)})

    def lock(self, key: str, timeout_s: float) -> AbstractAsyncContextManager[bool]:
        return self._held(key, timeout_s)

    @asynccontextmanager
    async def _held(self, key: str, timeout_s: float) -> AsyncIterator[bool]:
        lock = self._client.lock(
            f"{self._prefix}lock:{key}",
            timeout=self._lock_expiry_s,
            sleep=0.05,
            blocking_timeout=timeout_s,
        )
        try:
            acquired = bool(await lock.acquire())
        except _FAILURES as error:
            log.warning("redis lock failed; generating uncoalesced", extra={"error": str(error)})
            acquired = False
        if not acquired:
            yield False
            return
        try:
            yield True
        finally:
            try:
                await lock.release()
            except (LockError, *_FAILURES) as error:
                # Expired (the holder outlived lock_expiry_s) or Redis went away: either way
                # the key is free again, so there is nothing left to undo.
                log.warning("redis lock release failed", extra={"error": str(error)})

"""The shared draft cache and generation lock in Redis, for every operator replica.

Redis speeds generation up and coalesces identical work; it is never the reason a note is not
written. Calls have short timeouts, one retry on a dropped connection (a restarted Redis),
and any failure degrades: a claim finds no note and no lock at once, a fill is skipped. The
lock is a lease: a key with a random token and a short expiry (15 s by default) that its holder
renews every third of it while it drafts, so a replica that dies holding it frees the key within
one expiry, however long a model call may take; only the holder's token renews or deletes it.
A waiter polls, bounded. Each step is one Lua script, one round trip, shared with concurrent calls
(``redis_pipeline``): a claim looks the note up and on a miss takes the lock, a fill caches the
note and releases the lock (five round trips per drafted note before: GET, SET NX, GET, SET,
release). Scripts touch a note and its lock together, which one Redis node or replication group
allows; cluster mode would need both keys in one hash slot.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from pydantic import ValidationError
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.maint_notifications import MaintNotificationsConfig

from relnotes.models.result import GeneratedNote
from relnotes.storage.cache import Claim, OnWait
from relnotes.storage.redis_pipeline import PipelinedScript

__all__ = ["RedisCache", "build_redis"]

log = logging.getLogger(__name__)

_FAILURES = (RedisError, OSError, TimeoutError)
_POLL_S = 0.05  # how often a waiter asks again while another replica drafts

# KEYS: note, lock. ARGV: look the note up (1/0), lock token, lock expiry in ms.
# Returns {1, note} (cached), {2} (locked by this caller) or {0} (another holds the lock).
_CLAIM = """
if ARGV[1] == '1' then
  local note = redis.call('GET', KEYS[1])
  if note then return {1, note} end
end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return {2} end
return {0}
"""
# KEYS: note, lock. ARGV: note, ttl in s, lock token.
_FILL = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
"""
# KEYS: lock. ARGV: lock token, lock expiry in ms. Returns 1 while the lease is this caller's.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: lock. ARGV: lock token.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


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
        # One immediate retry on a new connection when a pooled one was dropped (Redis
        # restarted or failed over), never on a timeout: a slow Redis is not asked twice.
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        health_check_interval=30,
        driver_info=None,  # no CLIENT SETINFO: one round trip less per new connection
        maint_notifications_config=MaintNotificationsConfig(enabled=False),
    )
    client: Redis = Redis.from_pool(pool)  # the client owns the pool: aclose() closes both
    return client


class _RedisClaim:
    def __init__(self, cache: "RedisCache", keys: list[str]) -> None:
        self.note: GeneratedNote | None = None
        self.locked = False
        self.token = uuid.uuid4().hex
        self.keys = keys  # note, lock
        self._cache = cache

    async def fill(self, note: GeneratedNote, ttl_s: int) -> None:
        await self._cache._fill(self, note, ttl_s)


class RedisCache:
    """``DraftCache`` on Redis: notes under ``{prefix}note:{key}``, locks under ``lock:``."""

    def __init__(
        self,
        client: "Redis",
        *,
        prefix: str = "relnotes:",
        lock_expiry_s: float = 15.0,
        on_error: Callable[[], None] = lambda: None,
    ) -> None:
        self._on_error = on_error  # told of each failure (the operator counts them)
        self._prefix = prefix
        self._client = client
        self._expiry_ms = max(1, round(lock_expiry_s * 1000))
        self._renew_every_s = lock_expiry_s / 3
        self._claim_script = PipelinedScript(client, _CLAIM)
        self._fill_script = PipelinedScript(client, _FILL)
        self._renew_script = PipelinedScript(client, _RENEW)
        self._release_script = PipelinedScript(client, _RELEASE)

    @asynccontextmanager
    async def claim(
        self, key: str, timeout_s: float, *, lookup: bool = True, on_wait: OnWait = lambda: None
    ) -> AsyncIterator[Claim]:
        claim = _RedisClaim(self, [f"{self._prefix}note:{key}", f"{self._prefix}lock:{key}"])
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        waited = False
        try:
            while claim.note is None and not claim.locked:
                args = ("1" if lookup else "0", claim.token, self._expiry_ms)
                found = await self._claim_script(claim.keys, args)
                if found[0] == 1:
                    claim.note = _parse(found[1])
                    lookup = claim.note is not None  # an unreadable note is a miss: lock next
                elif found[0] == 2:
                    claim.locked = True
                elif loop.time() >= deadline:
                    break  # not coalesced: the caller drafts without the lock
                else:
                    if not waited:
                        waited = True
                        on_wait()
                    await asyncio.sleep(_POLL_S)
        except _FAILURES as error:
            self._on_error()
            log.warning("redis claim failed; generating uncoalesced", extra={"error": str(error)})
        renewer = asyncio.create_task(self._renew(claim)) if claim.locked else None
        try:
            yield claim
        finally:
            if renewer is not None:
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer
            if claim.locked:
                await self._release(claim)

    async def _renew(self, claim: _RedisClaim) -> None:
        """Extend the lease every third of its expiry while ``claim`` holds it."""
        while claim.locked:
            await asyncio.sleep(self._renew_every_s)
            try:
                held = await self._renew_script(claim.keys[1:], (claim.token, self._expiry_ms))
            except _FAILURES as error:
                log.warning("redis lease renewal failed", extra={"error": str(error)})
                continue
            if not held:
                log.warning("redis lease lost; another caller may draft the same input")
                return

    async def _fill(self, claim: _RedisClaim, note: GeneratedNote, ttl_s: int) -> None:
        """Cache ``note`` for ``claim``'s key; release its lock in the same round trip."""
        payload = note.model_dump_json(by_alias=True)
        try:
            if claim.locked:
                await self._fill_script(claim.keys, (payload, ttl_s, claim.token))
                claim.locked = False
            else:
                await self._client.set(claim.keys[0], payload, ex=ttl_s)
        except _FAILURES as error:
            self._on_error()
            log.warning("redis put failed; note not cached", extra={"error": str(error)})

    async def _release(self, claim: _RedisClaim) -> None:
        try:
            await self._release_script(claim.keys[1:], (claim.token,))
        except _FAILURES as error:
            # Redis went away: the lock expires by itself, so there is nothing left to undo.
            log.warning("redis lock release failed", extra={"error": str(error)})


def _parse(raw: bytes | str) -> GeneratedNote | None:
    try:
        return GeneratedNote.model_validate_json(raw)
    except ValidationError as error:
        log.warning("cached note is invalid; ignoring it", extra={"error": str(error)})
        return None

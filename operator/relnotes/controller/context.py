"""Everything the operator process owns: pools, clients and services, built once at startup.

kopf's startup handler opens one ``OperatorContext`` into ``memo`` and the cleanup handler closes
it; handlers borrow it. Nothing here connects at import. Postgres is required (no note without a
durable record); Redis is optional (without it the cache and lock are process-local).
"""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool
from redis.asyncio import Redis

from relnotes.config import Settings
from relnotes.controller.metrics import OperatorMetrics
from relnotes.controller.settings import ControllerSettings
from relnotes.controller.sweep import ClusterInventory, sweep_forever
from relnotes.services.breaker import CircuitBreaker
from relnotes.services.drafting import Drafter, build_drafter
from relnotes.services.generation import NoteGenerator
from relnotes.services.notes import NoteService
from relnotes.storage.cache import DraftCache, MemoryCache
from relnotes.storage.database import build_pool
from relnotes.storage.migrations import apply_migrations
from relnotes.storage.note_store import NoteStore
from relnotes.storage.redis_cache import RedisCache, build_redis

__all__ = ["OperatorContext"]

log = logging.getLogger(__name__)


@dataclass
class OperatorContext:
    """The operator's pools, clients and services; one per process."""

    settings: Settings
    config: ControllerSettings
    pool: AsyncConnectionPool[AsyncConnection[TupleRow]]
    redis: Redis | None
    drafter: Drafter
    store: NoteStore
    notes: NoteService
    http: aiohttp.ClientSession
    metrics: OperatorMetrics
    sweeper: "asyncio.Task[None] | None" = field(default=None, init=False)
    kopf_settings: Any = field(default=None, init=False)  # kopf's, for out-of-band patches

    @classmethod
    async def open(cls, settings: Settings, config: ControllerSettings) -> "OperatorContext":
        """Build and open everything; InvalidRequest when Postgres is not configured."""
        conninfo = settings.database_conninfo("the operator (notes are recorded in Postgres)")
        if config.migrate_on_start:
            applied = await apply_migrations(
                conninfo, password_file=settings.database_password_file
            )
            log.info("migrations checked at start", extra={"applied": applied})
        # A fixed-size pool, filled in the background from the start: a burst of resources
        # right after start-up (a rollout, an ArgoCD sync) finds its connections open instead
        # of queueing while the pool grows one connection at a time.
        pool = build_pool(
            conninfo,
            password_file=settings.database_password_file,
            min_size=config.db_pool_max_size,
            max_size=config.db_pool_max_size,
            acquire_timeout_s=config.db_timeout_seconds,
        )
        await pool.open(wait=False)
        metrics = OperatorMetrics()
        redis = None
        cache: DraftCache = MemoryCache()
        if settings.redis_url:
            redis = build_redis(settings.redis_url, timeout_s=config.redis_timeout_seconds)
            cache = RedisCache(
                redis, lock_expiry_s=config.lock_expiry_seconds, on_error=metrics.redis_error
            )
        breaker = CircuitBreaker(base_s=config.retry_base_seconds, cap_s=config.breaker_cap_seconds)
        drafter = build_drafter(settings, breaker=breaker)
        generator = NoteGenerator(
            drafter,
            cache,
            ttl_s=settings.cache_ttl_seconds,
            lock_timeout_s=config.generation_timeout_seconds,
            events=metrics,
        )
        store = NoteStore(pool)
        notes = NoteService(
            generator,
            store,
            default_model=settings.default_model(),
            timeout_s=config.generation_timeout_seconds,
            progress_after_s=config.progress_after_seconds,
        )
        http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=config.probe_timeout_seconds)
        )
        log.info(
            "operator context open",
            extra={
                "redis": redis is not None,
                "model_service": settings.model_service_url,
                "default_model": settings.default_model(),
            },
        )
        return cls(settings, config, pool, redis, drafter, store, notes, http, metrics)

    def start_sweeper(self, patterns: Sequence[str]) -> None:
        """Sweep vanished resources' history now and periodically, in the background."""
        self.sweeper = asyncio.create_task(
            sweep_forever(
                self.notes,
                ClusterInventory(timeout_s=self.config.sweep_timeout_seconds),
                patterns,
                interval_s=self.config.sweep_interval_seconds,
                timeout_s=self.config.sweep_timeout_seconds,
                retry_s=self.config.retry_base_seconds,
            ),
            name="relnotes-history-sweep",
        )

    async def close(self) -> None:
        """Stop the sweeper; close clients and pools, each even if another fails to close."""
        if self.sweeper is not None:
            self.sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sweeper
        try:
            await self.drafter.aclose()
            await self.http.close()
            if self.redis is not None:
                await self.redis.aclose()
        finally:
            await self.pool.close()

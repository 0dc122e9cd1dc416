"""The view's per-process context: Postgres pool, catalog, page caches (and Redis, where
configured), breaker and metrics.

Built at app start-up (never at import); the change listener runs as a task beside the pool.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from relnotes.config import Settings
from relnotes.services.catalog import NoteCatalog
from relnotes.storage.database import build_pool
from relnotes.storage.note_pages import NotePages
from relnotes.view.metrics import ViewMetrics
from relnotes.view.resilience import CircuitBreaker, listen_for_changes
from relnotes.view.responses import PageCache, Rendered
from relnotes.view.shared import SharedPages

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["VIEW", "ViewContext", "view_context"]


@dataclass
class ViewContext:
    """What the routes need."""

    store: NotePages
    catalog: NoteCatalog = field(init=False)
    cache: PageCache = field(default_factory=PageCache)
    drawings: dict[Hashable, Rendered] = field(default_factory=dict)  # see handling.drawn_page
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    metrics: ViewMetrics = field(default_factory=ViewMetrics)
    base_url: str | None = None
    shared: SharedPages | None = None  # Redis, where configured

    def __post_init__(self) -> None:
        self.catalog = NoteCatalog(self.store)


VIEW = web.AppKey("view", ViewContext)


def _shared_pages(view: ViewContext, url: str) -> "Redis":
    """Give ``view`` the Redis page cache at ``url``; returns the client to close."""
    from relnotes.storage.redis_cache import build_redis  # only when configured
    from relnotes.storage.redis_pages import RedisPages

    # Short waits: a Redis that is slow or gone costs a request at most this, then the
    # shared cache's breaker skips it for a moment (``shared``).
    redis = build_redis(url, timeout_s=0.1)
    view.shared = SharedPages(RedisPages(redis), view.cache)
    return redis


def view_context(settings: Settings) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup-context callable opening the pool (without waiting for Postgres) and closing it."""
    conninfo = settings.database_conninfo("the view")

    async def context(app: web.Application) -> AsyncIterator[None]:
        # A short acquire timeout: during an outage the breaker answers, not a queue of waits.
        pool = build_pool(
            conninfo,
            password_file=settings.database_password_file,
            min_size=1,
            max_size=4,
            acquire_timeout_s=1.0,
        )
        await pool.open(wait=False)
        view = ViewContext(NotePages(pool), base_url=settings.view_base_url)
        redis = _shared_pages(view, settings.redis_url) if settings.redis_url else None
        app[VIEW] = view
        listener = asyncio.create_task(
            listen_for_changes(conninfo, view.cache), name="relnotes-view-listener"
        )
        try:
            yield
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            await pool.close()
            if redis is not None:
                await redis.aclose()

    return context

"""The second level of the page cache: Redis, shared by the view replicas (where configured).

A page missing from this process' ``PageCache`` is looked up in Redis before Postgres is asked;
a page rendered here is kept in both. Invalidation follows the process cache's ``epoch``: each
time the change listener empties it (a NOTIFY, a reconnect), the next lookup moves Redis to a
new generation first (``storage.redis_pages``), and nothing rendered under an older epoch is
written. Redis failing never fails a request: its own circuit breaker opens for a moment and
requests go to Postgres meanwhile, with no wait on a Redis that is down.
"""

import logging
from typing import TYPE_CHECKING

from relnotes.models.errors import StoreUnavailable
from relnotes.view.resilience import CircuitBreaker
from relnotes.view.responses import PageCache, Rendered

if TYPE_CHECKING:  # redis is imported only by a view that has it configured
    from relnotes.storage.redis_pages import RedisPages

__all__ = ["SharedPages"]

log = logging.getLogger(__name__)


class SharedPages:
    """Redis pages behind ``cache``, announcing each of its epochs to Redis once."""

    def __init__(self, pages: "RedisPages", cache: PageCache, *, open_s: float = 2.0) -> None:
        self._pages = pages
        self._cache = cache
        self._breaker = CircuitBreaker(open_s)
        self._announced = -1  # the last epoch of ``cache`` that moved Redis' generation on

    async def get(self, key: str) -> tuple[Rendered | None, str | None]:
        """The shared page under ``key`` (kept in this process too), and the generation to
        write a page rendered now under (None: do not write it)."""
        epoch = self._cache.epoch
        try:
            generation, packed = await self._breaker.call(
                lambda: self._pages.get(key, move_on=epoch != self._announced)
            )
        except StoreUnavailable as error:
            log.debug("redis page lookup failed", extra={"error": error.message})
            return None, None
        if epoch != self._cache.epoch:
            return None, None  # the notes changed meanwhile: this answer may predate that
        self._announced = max(self._announced, epoch)
        if packed is None:
            return None, generation
        try:
            page = Rendered.unpacked(packed)
        except ValueError:
            log.warning("unreadable page in redis; rendering it again", extra={"key": key[:200]})
            return None, generation
        self._cache.put(key, page, epoch)
        return page, generation

    async def put(self, key: str, page: Rendered, generation: str, epoch: int) -> None:
        """Share ``page`` unless the notes changed since its rendering began (``epoch``)."""
        if epoch != self._cache.epoch or epoch != self._announced or not self._cache.listening:
            return
        try:
            await self._breaker.call(lambda: self._pages.put(key, generation, page.packed()))
        except StoreUnavailable as error:
            log.debug("redis page store failed", extra={"error": error.message})

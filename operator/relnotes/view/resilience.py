"""Staying fast when Postgres is not: a short circuit breaker, and cache invalidation by NOTIFY.

Without the breaker every request during an outage waits for the pool's acquire timeout (seconds)
before failing. With it, the first failure opens the circuit for ``open_s``; until then requests
fail at once (a cached page is still served, see ``routes``), and afterwards one request at a
time tries Postgres again, so recovery is noticed without a stampede.

``listen_for_changes`` keeps one connection on ``LISTEN release_notes_changed`` (the trigger of
migration 0002 notifies on every write) and empties the page cache on each notification, so a
new note is on every replica's pages within a round trip. Whenever that connection is
(re)established the cache is emptied too: notifications sent while it was down are lost; and
while it is down no new page is kept.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import psycopg

from relnotes.models.errors import StoreUnavailable
from relnotes.view.responses import PageCache

__all__ = ["CHANNEL", "CircuitBreaker", "listen_for_changes"]

log = logging.getLogger(__name__)

CHANNEL = "release_notes_changed"
T = TypeVar("T")


class CircuitBreaker:
    """Open for ``open_s`` after a ``StoreUnavailable``; then one trial call at a time."""

    def __init__(self, open_s: float = 2.0) -> None:
        self._open_s = open_s
        self._opened_at: float | None = None
        self._trial = False
        self.last_error = ""

    @property
    def is_open(self) -> bool:
        """Whether calls fail fast right now."""
        if self._opened_at is None:
            return False
        return self._trial or time.monotonic() - self._opened_at < self._open_s

    def trip(self, error: StoreUnavailable) -> None:
        """Open the circuit now (a failure seen by someone else, such as the listener)."""
        self._opened_at = time.monotonic()
        self.last_error = error.message

    async def call(self, action: Callable[[], Awaitable[T]]) -> T:
        """``action()``, or StoreUnavailable at once while the circuit is open."""
        if self.is_open:
            raise StoreUnavailable(
                f"postgres unavailable (answering from memory): {self.last_error}"
            )
        trial = self._opened_at is not None
        self._trial = trial
        try:
            result = await action()
        except StoreUnavailable as error:
            self.trip(error)
            raise
        finally:
            self._trial = False
        self._opened_at = None
        return result


async def listen_for_changes(conninfo: str, cache: PageCache, *, retry_s: float = 1.0) -> None:
    """Empty ``cache`` on every notification (and on every reconnect), until cancelled; the
    cache keeps new pages only while this listens."""
    while True:
        try:
            conn = await psycopg.AsyncConnection.connect(
                conninfo, autocommit=True, connect_timeout=3
            )
            async with conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                cache.clear()
                cache.listening = True
                async for _ in conn.notifies():
                    cache.clear()
        except psycopg.Error as error:
            log.warning("change listener disconnected", extra={"error": str(error)})
        finally:
            cache.listening = False
        await asyncio.sleep(retry_s)

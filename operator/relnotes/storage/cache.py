"""The draft cache interface, and the in-memory cache ``relnotes render`` runs on.

A cache must never be the reason a note is not written: implementations degrade (a miss, a lock
not taken) when their backend is down, and only the generation service decides what that means.
"""

import asyncio
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from relnotes.models.result import GeneratedNote

__all__ = ["DraftCache", "MemoryCache"]


class DraftCache(Protocol):
    """Where generated notes are kept by cache key, and how identical work is coalesced."""

    async def get(self, key: str) -> GeneratedNote | None:
        """The cached note for ``key``, or None on a miss (or when the backend is down)."""

    async def put(self, key: str, note: GeneratedNote, ttl_s: int) -> None:
        """Keep ``note`` for ``ttl_s`` seconds; failures are logged, not raised."""

    def lock(self, key: str, timeout_s: float) -> AbstractAsyncContextManager[bool]:
        """Hold the generation lock for ``key``; yields whether it was really acquired."""


class MemoryCache:
    """A process-local cache with per-key asyncio locks (one process, so one model call).

    Locks live in a weak dictionary: a key's lock disappears once nobody holds or awaits it.
    """

    def __init__(self, max_entries: int = 1024) -> None:
        self._entries: dict[str, tuple[float, GeneratedNote]] = {}
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._max_entries = max_entries

    async def get(self, key: str) -> GeneratedNote | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, note = entry
        if expires < time.monotonic():
            del self._entries[key]
            return None
        return note

    async def put(self, key: str, note: GeneratedNote, ttl_s: int) -> None:
        if len(self._entries) >= self._max_entries and key not in self._entries:
            oldest = min(self._entries, key=lambda k: self._entries[k][0])
            del self._entries[oldest]
        self._entries[key] = (time.monotonic() + ttl_s, note)

    @asynccontextmanager
    async def _held(self, key: str, timeout_s: float) -> AsyncIterator[bool]:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        try:
            await asyncio.wait_for(lock.acquire(), timeout_s)
        except TimeoutError:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def lock(self, key: str, timeout_s: float) -> AbstractAsyncContextManager[bool]:
        return self._held(key, timeout_s)

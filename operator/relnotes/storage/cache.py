"""The draft cache interface, and the in-memory cache ``relnotes render`` runs on.

A cache must never be the reason a note is not written: implementations degrade (a miss, a lock
not taken) when their backend is down, and only the generation service decides what that means.
One ``claim`` answers both questions a caller has, "is the note cached?" and "may I draft it?",
so a backend over the network can answer them in one round trip, and ``fill`` caches the note
and gives the lock back in one more.
"""

import asyncio
import time
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from relnotes.models.result import GeneratedNote

__all__ = ["Claim", "DraftCache", "MemoryCache", "OnWait"]

OnWait = Callable[[], None]


def _no_wait() -> None:
    """The default ``on_wait``: nobody to tell."""


class Claim(Protocol):
    """What a claim on a key found: the cached note, or the key's generation lock (or neither,
    when the lock could not be had in time or the backend is down)."""

    @property
    def note(self) -> GeneratedNote | None:
        """The cached note; when set, there is nothing to draft."""

    @property
    def locked(self) -> bool:
        """Whether this caller holds the key's generation lock (until ``fill`` or the end)."""

    async def fill(self, note: GeneratedNote, ttl_s: int) -> None:
        """Keep ``note`` for ``ttl_s`` seconds and release the lock; failures are logged."""


class DraftCache(Protocol):
    """Where generated notes are kept by cache key, and how identical work is coalesced."""

    def claim(
        self, key: str, timeout_s: float, *, lookup: bool = True, on_wait: OnWait = _no_wait
    ) -> AbstractAsyncContextManager[Claim]:
        """The cached note for ``key`` (looked up only when ``lookup``), else its lock.

        While another caller holds the lock, waits up to ``timeout_s`` for it (calling
        ``on_wait`` once, when the wait starts), and finds that caller's note once it is cached.
        The lock is released when the block ends.
        """


class _MemoryClaim:
    def __init__(self, cache: "MemoryCache", key: str, note: GeneratedNote | None, locked: bool):
        self._cache, self._key = cache, key
        self.note, self.locked = note, locked

    async def fill(self, note: GeneratedNote, ttl_s: int) -> None:
        self._cache._store(self._key, note, ttl_s)  # the lock goes when the claim's block ends


class MemoryCache:
    """A process-local cache with per-key asyncio locks (one process, so one model call).

    Locks live in a weak dictionary: a key's lock disappears once nobody holds or awaits it.
    """

    def __init__(self, max_entries: int = 1024) -> None:
        self._entries: dict[str, tuple[float, GeneratedNote]] = {}
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._max_entries = max_entries

    def _lookup(self, key: str) -> GeneratedNote | None:
        """The note kept under ``key``, unless it expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, note = entry
        if expires < time.monotonic():
            del self._entries[key]
            return None
        return note

    def _store(self, key: str, note: GeneratedNote, ttl_s: int) -> None:
        """Keep ``note`` under ``key``; the entry closest to expiry makes room when full."""
        if len(self._entries) >= self._max_entries and key not in self._entries:
            oldest = min(self._entries, key=lambda k: self._entries[k][0])
            del self._entries[oldest]
        self._entries[key] = (time.monotonic() + ttl_s, note)

    @asynccontextmanager
    async def claim(
        self, key: str, timeout_s: float, *, lookup: bool = True, on_wait: OnWait = _no_wait
    ) -> AsyncIterator[Claim]:
        if lookup and (note := self._lookup(key)) is not None:
            yield _MemoryClaim(self, key, note, locked=False)
            return
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        if lock.locked():
            on_wait()
        try:
            await asyncio.wait_for(lock.acquire(), timeout_s)
        except TimeoutError:
            yield _MemoryClaim(self, key, None, locked=False)
            return
        try:
            found = self._lookup(key) if lookup else None  # drafted while this caller waited
            yield _MemoryClaim(self, key, found, locked=found is None)
        finally:
            lock.release()

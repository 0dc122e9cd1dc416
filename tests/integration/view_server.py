"""The installed ``relnotes`` console script, started as users start it, on a free local port."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from servers import free_port
from tests.notes import sample_note
from tests.tools import RELNOTES

from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.database import build_pool
from relnotes.storage.migrations import apply_migrations
from relnotes.storage.note_store import NoteRef, NoteStore

__all__ = ["RELNOTES", "relnotes_view", "seed_notes"]


@contextmanager
def relnotes_view(database: str, redis_url: str | None = None) -> Iterator[str]:
    """``relnotes view`` on ``database`` (and Redis, if given); yields its base URL once
    /healthz answers."""
    port = free_port()
    env = {**os.environ, "RELNOTES_DATABASE_URL": database, "RELNOTES_LOG_LEVEL": "WARNING"}
    env.pop("RELNOTES_REDIS_URL", None)
    if redis_url is not None:
        env["RELNOTES_REDIS_URL"] = redis_url
    process = subprocess.Popen(
        [RELNOTES, "view", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def seed_notes(database: str, count: int) -> None:
    """Migrate ``database`` and record ``count`` notes through ``NoteStore``."""

    async def seed() -> None:
        await apply_migrations(database)
        pool = build_pool(database)
        await pool.open(wait=True, timeout=10)
        store = NoteStore(pool)
        try:
            for number in range(count):
                spec = ReleaseNoteSpec.model_validate(
                    {
                        "changeSummary": f"Change {number}",
                        "component": "redis",
                        "version": f"1.{number % 3}",
                    }
                )
                ref = NoteRef(f"uid-{number}", 1, "platform", f"note-{number}")
                await store.record(ref, spec, sample_note(), cache_key="k", hit=False)
            await store.fail(NoteRef("uid-failed", 1, "platform", "failed"), spec, "HTTP 503")
        finally:
            await pool.close()

    asyncio.run(seed())

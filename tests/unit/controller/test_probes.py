"""Liveness follows kopf's own tasks, never a dependency."""

import asyncio

from relnotes.controller.probes import kopf_alive


async def test_alive_while_watchers_run_or_while_starting_not_after_they_stop() -> None:
    assert kopf_alive(started=False) == (False, "no kopf watcher is running")
    spawner = asyncio.create_task(asyncio.sleep(5), name="multidimensional multitasker")
    assert kopf_alive(started=False) == (True, "starting")
    watcher = asyncio.create_task(asyncio.sleep(5), name="watcher for releasenotes@None")
    assert kopf_alive(started=False) == (True, "watching")
    watcher.cancel()
    await asyncio.sleep(0)
    assert kopf_alive(started=True) == (False, "no kopf watcher is running")
    spawner.cancel()

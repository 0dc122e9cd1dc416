"""The batcher's contract, on a fake transport: a lone call goes alone, what queues meanwhile
goes next, each caller gets its own outcome, and a failed batch fails only whom it should."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from relnotes.storage.batching import Batcher


class Echo(Batcher[int, int]):
    """Doubles each item; negative items fail alone; a batch holding 13 fails as a whole."""

    def __init__(self, *, fails_queued: bool = False) -> None:
        super().__init__(name="echo", max_batch=4)
        self.batches: list[list[int]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.fails_queued = fails_queued

    async def _send_batch(self, items: list[int]) -> Sequence[int | Exception]:
        self.batches.append(items)
        await self.gate.wait()
        if 13 in items:
            raise ConnectionError("the server went away")
        return [ValueError(f"bad {i}") if i < 0 else 2 * i for i in items]

    def _fails_queued(self, error: Exception) -> bool:
        return self.fails_queued


async def test_what_queues_while_a_batch_is_in_flight_goes_next() -> None:
    echo = Echo()
    echo.gate.clear()
    first = asyncio.create_task(echo.submit(1))
    await asyncio.sleep(0.01)  # the first call is in flight, alone
    rest = [asyncio.create_task(echo.submit(i)) for i in range(2, 8)]
    await asyncio.sleep(0.01)
    echo.gate.set()
    assert await first == 2
    assert await asyncio.gather(*rest) == [4, 6, 8, 10, 12, 14]
    assert echo.batches == [[1], [2, 3, 4, 5], [6, 7]]  # at most max_batch at a time


async def test_each_caller_gets_its_own_error() -> None:
    echo = Echo()
    results = await asyncio.gather(*(echo.submit(i) for i in (1, -2, 3)), return_exceptions=True)
    assert results[0] == 2
    assert isinstance(results[1], ValueError)
    assert results[2] == 6


@pytest.mark.parametrize("fails_queued", [False, True])
async def test_a_failed_batch_fails_its_calls_and_the_queue_only_if_told(
    fails_queued: bool,
) -> None:
    echo = Echo(fails_queued=fails_queued)
    echo.gate.clear()
    doomed = asyncio.create_task(echo.submit(13))
    await asyncio.sleep(0.01)
    queued = asyncio.create_task(echo.submit(5))
    await asyncio.sleep(0.01)
    echo.gate.set()
    with pytest.raises(ConnectionError):
        await doomed
    if fails_queued:
        with pytest.raises(ConnectionError):
            await queued
        assert echo.batches == [[13]]
    else:
        assert await queued == 10


async def test_a_caller_that_gives_up_does_not_stop_the_others() -> None:
    echo = Echo()
    echo.gate.clear()
    calls = [asyncio.create_task(echo.submit(i)) for i in range(3)]
    await asyncio.sleep(0.01)
    calls[1].cancel()
    echo.gate.set()
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert results[0] == 0
    assert isinstance(results[1], asyncio.CancelledError)
    assert results[2] == 4
    assert await echo.submit(9) == 18

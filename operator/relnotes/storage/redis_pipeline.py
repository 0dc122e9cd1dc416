"""A Lua script whose concurrent calls share round trips to Redis.

Under a burst of resources, every handler's claim was a command of its own: a pooled connection,
a send, a wait for the reply. Here the calls made while one pipeline is in flight go out together
as the next one (not a transaction: each call is its own script run, with its own reply or
error), so the burst costs a few round trips per batch instead of one per call; a single call
is sent as it is. Measured in bench/operator_throughput.py: about 0.15 ms less operator CPU
per cache hit.

A reply that is an error fails only its own call. ``NOSCRIPT`` (a restarted or failed-over
Redis that lost its script cache) is answered by sending that call again through redis-py's
script object, which loads the script first. When Redis cannot be reached, every call of the
batch fails with the same error, as each would have alone.
"""

import asyncio
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

__all__ = ["PipelinedScript"]

_Call = tuple[Sequence[str], Sequence[str | int], "asyncio.Future[Any]"]


class PipelinedScript:
    """``await script(keys, args)`` runs the script; concurrent calls share a pipeline."""

    def __init__(self, client: "Redis", script: str, *, max_batch: int = 128) -> None:
        self._client = client
        self._script = client.register_script(script)
        self._max_batch = max_batch
        self._pending: list[_Call] = []
        self._sender: asyncio.Task[None] | None = None

    async def __call__(self, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((keys, args, future))
        if self._sender is None:
            self._sender = asyncio.create_task(self._send(), name="relnotes-redis-script")
        return await future

    async def _send(self) -> None:
        batch: list[_Call] = []
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                try:
                    await self._send_batch(batch)
                except Exception as error:  # Redis unreachable or timed out: each call fails
                    for *_, future in batch:
                        _settle(future, error=error)
        finally:
            self._sender = None
            # Cancelled (the loop is closing): whoever still waits must not wait forever.
            queued, self._pending = self._pending, []
            for *_, future in batch + queued:
                future.cancel()

    async def _send_batch(self, batch: list[_Call]) -> None:
        if len(batch) == 1:
            keys, args, future = batch[0]
            _settle(future, await self._script(keys=keys, args=args))
            return
        pipeline = self._client.pipeline(transaction=False)
        for keys, args, _ in batch:
            pipeline.evalsha(self._script.sha, len(keys), *keys, *args)
        replies = await pipeline.execute(raise_on_error=False)
        for (keys, args, future), reply in zip(batch, replies, strict=True):
            if isinstance(reply, NoScriptError):
                try:
                    reply = await self._script(keys=keys, args=args)
                except Exception as error:
                    _settle(future, error=error)
                    continue
            if isinstance(reply, Exception):
                _settle(future, error=reply)
            else:
                _settle(future, reply)


def _settle(
    future: "asyncio.Future[Any]", reply: Any = None, *, error: Exception | None = None
) -> None:
    if future.done():  # its caller gave up (a timeout)
        return
    if error is None:
        future.set_result(reply)
    else:
        future.set_exception(error)

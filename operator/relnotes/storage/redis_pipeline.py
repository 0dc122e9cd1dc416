"""A Lua script whose concurrent calls share round trips to Redis (see ``batching``).

The calls made while one pipeline is in flight go out together as the next one, not as a
transaction: each call is its own script run, with its own reply or error. Measured in
bench/operator_throughput.py: about 0.15 ms less operator CPU per cache hit, 0.25 ms per miss.

``NOSCRIPT`` (a restarted or failed-over Redis that lost its script cache) is answered by
sending that call again through redis-py's script object, which loads the script first. When
Redis cannot be reached, every call of the batch fails with that error, as it would alone; the
calls queued behind it are still tried, since a failed claim costs an uncoalesced model call.
"""

from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from relnotes.storage.batching import Batcher

__all__ = ["PipelinedScript"]

_Call = tuple[Sequence[str], Sequence[str | int | bytes]]


class PipelinedScript(Batcher[_Call, Any]):
    """``await script(keys, args)`` runs the script; concurrent calls share a pipeline."""

    def __init__(self, client: "Redis", script: str, *, max_batch: int = 128) -> None:
        super().__init__(name="redis-script", max_batch=max_batch)
        self._client = client
        self._script = client.register_script(script)

    async def __call__(self, keys: Sequence[str], args: Sequence[str | int | bytes]) -> Any:
        return await self.submit((keys, args))

    async def _send_batch(self, items: list[_Call]) -> Sequence[Any]:
        if len(items) == 1:
            keys, args = items[0]
            return [await self._script(keys=keys, args=args)]
        pipeline = self._client.pipeline(transaction=False)
        for keys, args in items:
            pipeline.evalsha(self._script.sha, len(keys), *keys, *args)
        replies = await pipeline.execute(raise_on_error=False)
        return [
            await self._reloaded(call) if isinstance(reply, NoScriptError) else reply
            for call, reply in zip(items, replies, strict=True)
        ]

    async def _reloaded(self, call: _Call) -> Any:
        keys, args = call
        try:
            return await self._script(keys=keys, args=args)
        except Exception as error:  # its reply is this error, like any other
            return error

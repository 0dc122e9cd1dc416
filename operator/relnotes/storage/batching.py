"""Concurrent writes of one statement, sent to Postgres together: a pipeline per batch.

Under a burst of hundreds of resources, each handler's upsert took a connection from the pool,
sent one statement and waited for its answer: the round trips and the pool handoffs, not
Postgres, set the pace (bench/operator_throughput.py). Here the writes that queue while a batch
is in flight go out as the next batch, on one connection, pipelined (psycopg's ``executemany``).
Every caller still waits for its own row, so a write is durable when ``write`` returns.

A batch is one implicit transaction. Its rows are sorted, so two replicas writing the same rows
lock them in the same order and cannot deadlock. When a statement fails (bad data, a constraint)
the batch is written again row by row, so each caller gets its own outcome; when Postgres cannot
be reached, the batch and everything queued behind it fail at once, as separate writes would.
"""

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, LiteralString

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from relnotes.models.errors import StoreUnavailable
from relnotes.storage.database import connection

__all__ = ["BatchedWriter"]

Params = Mapping[str, Any]
_Write = tuple[Params, "asyncio.Future[None]"]


class BatchedWriter:
    """Runs ``statement`` once per ``write``, pipelining the writes that arrive together."""

    def __init__(
        self,
        pool: AsyncConnectionPool[AsyncConnection[TupleRow]],
        statement: LiteralString,
        *,
        order: Callable[[Params], Any],
        action: str,
        max_batch: int = 64,
    ) -> None:
        self._pool = pool
        self._statement = statement
        self._order = order
        self._action = action
        self._max_batch = max_batch
        self._pending: list[_Write] = []
        self._drainer: asyncio.Task[None] | None = None

    async def write(self, params: Params) -> None:
        """Execute the statement with ``params``; raises ``StoreUnavailable`` if it failed."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((params, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain(), name=f"relnotes-{self._action}")
        try:
            await future
        except StoreUnavailable as error:  # one error may answer a batch: each caller its own
            raise StoreUnavailable(error.message) from error.__cause__

    async def _drain(self) -> None:
        batch: list[_Write] = []
        try:
            while self._pending:
                batch = sorted(self._pending[: self._max_batch], key=lambda w: self._order(w[0]))
                del self._pending[: self._max_batch]
                try:
                    await self._write_batch(batch)
                except Exception as error:  # a bug, not Postgres: these callers see it
                    _settle(batch, error)
        finally:
            self._drainer = None
            # Cancelled (the loop is closing): whoever still waits must not wait forever.
            queued, self._pending = self._pending, []
            _settle(batch + queued, asyncio.CancelledError())

    async def _write_batch(self, batch: list[_Write]) -> None:
        try:
            async with connection(self._pool, self._action) as conn, conn.cursor() as cursor:
                await cursor.executemany(self._statement, [params for params, _ in batch])
        except StoreUnavailable as error:
            if len(batch) > 1 and _statement_failed(error):
                await self._write_each(batch)
                return
            # Postgres is unreachable: what queued meanwhile would wait only to fail the same.
            queued, self._pending = self._pending, []
            _settle(batch + queued, error)
            return
        _settle(batch, None)

    async def _write_each(self, batch: list[_Write]) -> None:
        for params, future in batch:
            try:
                async with connection(self._pool, self._action) as conn:
                    await conn.execute(self._statement, params)
            except StoreUnavailable as error:
                _settle([(params, future)], error)
            else:
                _settle([(params, future)], None)


def _statement_failed(error: StoreUnavailable) -> bool:
    """A statement's own failure, as opposed to Postgres being unreachable or overloaded."""
    cause = error.__cause__
    return isinstance(cause, psycopg.DatabaseError) and not isinstance(
        cause, psycopg.OperationalError
    )


def _settle(writes: list[_Write], error: BaseException | None) -> None:
    for _, future in writes:
        if future.done():  # its caller gave up (a timeout) or it was settled already
            continue
        if error is None:
            future.set_result(None)
        elif isinstance(error, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(error)

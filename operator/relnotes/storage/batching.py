"""Calls that arrive together, sent together: batching for Postgres writes and Redis scripts.

Under a burst of hundreds of resources, each handler's write or script call took a pooled
connection, sent one command and waited for its answer: the round trips and the pool handoffs,
not the servers, set the pace (bench/operator_throughput.py). A ``Batcher`` sends a lone call as
it comes; the calls that queue while a batch is in flight go out as the next batch, and every
caller still waits for, and gets, its own outcome.

``BatchedWriter`` runs one statement per write, pipelined (psycopg's ``executemany``). A batch is
one implicit transaction; its rows are sorted, so two replicas writing the same rows lock them in
one order and cannot deadlock. When a statement fails (bad data, a constraint) the batch is
written again row by row, so each caller gets its own outcome; when Postgres cannot be reached,
the batch and everything queued behind it fail at once, as separate writes would.
"""

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, LiteralString, TypeVar

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from relnotes.models.errors import StoreUnavailable
from relnotes.storage.database import with_connection

__all__ = ["BatchedWriter", "Batcher"]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")
Params = Mapping[str, Any]


class Batcher(ABC, Generic[ItemT, ResultT]):
    """One sender task per batcher; subclasses say how a batch is sent (``_send_batch``)."""

    def __init__(self, *, name: str, max_batch: int) -> None:
        self._name = name
        self._max_batch = max_batch
        self._pending: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def submit(self, item: ItemT) -> ResultT:
        """Send ``item`` with whatever else is queued; its result, or its error raised."""
        future: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._sender is None:
            self._sender = asyncio.create_task(self._send(), name=f"relnotes-{self._name}")
        return await future

    @abstractmethod
    async def _send_batch(self, items: list[ItemT]) -> Sequence[ResultT | Exception]:
        """Each item's result or error, in order; raise when the whole batch failed."""

    def _fails_queued(self, error: Exception) -> bool:
        """Whether a batch's failure means what is queued behind it would fail the same."""
        return False

    async def _send(self) -> None:
        batch: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                try:
                    outcomes = await self._send_batch([item for item, _ in batch])
                except Exception as error:
                    if self._fails_queued(error):
                        batch, self._pending = batch + self._pending, []
                    outcomes = [error] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller gave up (a timeout)
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._sender = None
            # Cancelled (the loop is closing): whoever still waits must not wait forever.
            queued, self._pending = self._pending, []
            for _, future in batch + queued:
                future.cancel()


class BatchedWriter(Batcher[Params, Any]):
    """Runs ``statement`` once per ``write``, pipelining the writes that arrive together.

    A statement with ``RETURNING`` gives each caller the first column of its own row.
    """

    def __init__(
        self,
        pool: AsyncConnectionPool[AsyncConnection[TupleRow]],
        statement: LiteralString,
        *,
        order: Callable[[Params], Any],
        action: str,
        max_batch: int = 64,
    ) -> None:
        super().__init__(name=action, max_batch=max_batch)
        self._pool = pool
        self._statement = statement
        self._order = order
        self._action = action

    async def write(self, params: Params) -> Any:
        """Execute the statement with ``params``; raises ``StoreUnavailable`` if it failed."""
        try:
            return await self.submit(params)
        except StoreUnavailable as error:  # one error may answer a batch: each caller its own
            raise StoreUnavailable(error.message) from error.__cause__

    async def _send_batch(self, items: list[Params]) -> Sequence[Any]:
        order = sorted(range(len(items)), key=lambda i: self._order(items[i]))

        async def write_all(conn: AsyncConnection[TupleRow]) -> list[Any]:
            returned: list[Any] = []
            async with conn.cursor() as cursor:
                await cursor.executemany(self._statement, [items[i] for i in order], returning=True)
                while True:
                    row = await cursor.fetchone() if cursor.pgresult else None
                    returned.append(row[0] if row else None)
                    if not cursor.nextset():
                        break
            return returned

        try:
            returned = await with_connection(self._pool, self._action, write_all)
        except StoreUnavailable as error:
            if not _statement_failed(error):
                raise  # Postgres is unreachable
            if len(items) == 1:
                return [error]
            return [await self._write_one(params) for params in items]
        results: list[Any] = [None] * len(items)
        for position, index in enumerate(order):
            results[index] = returned[position] if position < len(returned) else None
        return results

    def _fails_queued(self, error: Exception) -> bool:
        return isinstance(error, StoreUnavailable)  # unreachable: the rest would wait, then fail

    async def _write_one(self, params: Params) -> Any:
        async def write(conn: AsyncConnection[TupleRow]) -> Any:
            cursor = await conn.execute(self._statement, params)
            row = await cursor.fetchone() if cursor.pgresult and cursor.description else None
            return row[0] if row else None

        try:
            return await with_connection(self._pool, self._action, write)
        except StoreUnavailable as error:
            return error


def _statement_failed(error: StoreUnavailable) -> bool:
    """A statement's own failure, as opposed to Postgres being unreachable or overloaded."""
    cause = error.__cause__
    return isinstance(cause, psycopg.DatabaseError) and not isinstance(
        cause, psycopg.OperationalError
    )

"""Calls that arrive together, sent together: batching for Postgres writes and Redis scripts.

Under a burst of hundreds of resources, each handler's write or script call took a pooled
connection, sent one command and waited for its answer: the round trips and the pool handoffs,
not the servers, set the pace (bench/operator_throughput.py). A ``Batcher`` sends a lone call as
it comes; the calls that queue while a batch is in flight go out as the next batch, and every
caller still waits for, and gets, its own outcome.

``BatchedWriter`` writes a batch with one statement over all of its rows (a JSON array). A batch is
one implicit transaction; its rows are sorted, so two replicas writing the same rows lock them in
one order and cannot deadlock. When the statement fails (bad data, a constraint) the batch is
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
from psycopg.types.json import Jsonb
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
    """Writes the rows that arrive together with one statement over all of them.

    ``statement`` takes one parameter, the batch as a ``jsonb`` array of row objects (read with
    ``jsonb_to_recordset``), and returns each row's ``key`` columns then its result. One
    statement, not one execution per row: a row costs its share of one JSON document instead of
    its own bind, execute and result (half the client's CPU per row or less, from 1 row to 16;
    a quarter less of Postgres' in bench/operator_throughput.py). A batch holds each key once
    (an upsert cannot touch a row twice in one statement): a repeated key waits for the next
    statement, so its writes land in the order they came.
    """

    def __init__(
        self,
        pool: AsyncConnectionPool[AsyncConnection[TupleRow]],
        statement: LiteralString,
        *,
        key: Callable[[Params], tuple[Any, ...]],
        action: str,
        max_batch: int = 64,
    ) -> None:
        super().__init__(name=action, max_batch=max_batch)
        self._pool = pool
        self._statement = statement
        self._key = key
        self._action = action

    async def write(self, params: Params) -> Any:
        """Write the row ``params``; its result, or ``StoreUnavailable`` if it failed."""
        try:
            return await self.submit(params)
        except StoreUnavailable as error:  # one error may answer a batch: each caller its own
            raise StoreUnavailable(error.message) from error.__cause__

    async def _send_batch(self, items: list[Params]) -> Sequence[Any]:
        results: list[Any] = [None] * len(items)
        waiting = list(range(len(items)))
        while waiting:  # once, unless a key repeats
            batch: dict[tuple[Any, ...], int] = {}
            later: list[int] = []
            for index in waiting:
                key = self._key(items[index])
                if key in batch:
                    later.append(index)
                else:
                    batch[key] = index
            for index, outcome in (await self._write(sorted(batch.items()), items)).items():
                results[index] = outcome
            waiting = later
        return results

    async def _write(
        self, rows: list[tuple[tuple[Any, ...], int]], items: list[Params]
    ) -> dict[int, Any]:
        """Each row's result by its index; when the statement itself failed (a bad row), each
        row is written on its own, so each caller gets its own outcome."""
        try:
            written = await self._execute([items[index] for _, index in rows])
            return {index: written.get(key) for key, index in rows}
        except StoreUnavailable as error:
            if not _statement_failed(error):
                raise  # Postgres is unreachable
            if len(rows) == 1:
                return {rows[0][1]: error}
        outcomes: dict[int, Any] = {}
        for key, index in rows:
            try:
                outcomes[index] = (await self._execute([items[index]])).get(key)
            except StoreUnavailable as error:
                outcomes[index] = error
        return outcomes

    async def _execute(self, rows: list[Params]) -> dict[tuple[Any, ...], Any]:
        async def write(conn: AsyncConnection[TupleRow]) -> dict[tuple[Any, ...], Any]:
            cursor = await conn.execute(self._statement, (Jsonb(rows),))
            return {tuple(row[:-1]): row[-1] for row in await cursor.fetchall()}

        return await with_connection(self._pool, self._action, write)

    def _fails_queued(self, error: Exception) -> bool:
        return isinstance(error, StoreUnavailable)  # unreachable: the rest would wait, then fail


def _statement_failed(error: StoreUnavailable) -> bool:
    """A statement's own failure, as opposed to Postgres being unreachable or overloaded."""
    cause = error.__cause__
    return isinstance(cause, psycopg.DatabaseError) and not isinstance(
        cause, psycopg.OperationalError
    )

"""The Postgres connection pool, and the one place psycopg's failures become domain errors.

The pool is built closed and opened by the process that owns it (kopf's startup handler, the
``migrate`` command), never at import. Every wait is bounded: a pool that cannot hand out a
connection within ``acquire_timeout_s`` raises ``StoreUnavailable`` instead of stalling a handler.

The password can come from a file (``RELNOTES_DATABASE_PASSWORD_FILE``: a mounted Secret) read
again for every new connection, so a rotated password is used from the next reconnect on,
without a restart: Kubernetes swaps a mounted Secret's file in place when the Secret changes.
"""

import logging
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from relnotes.models.errors import StoreUnavailable

__all__ = [
    "IDLE_CHECK_S",
    "ConnectionLost",
    "Pool",
    "build_pool",
    "connection",
    "read_password",
    "store_errors",
    "with_connection",
]

log = logging.getLogger(__name__)

# Every psycopg error, not only connection failures: a missing table (not migrated) or a
# read-only replica is as much "cannot record now" as a refused connection, and the operator
# must say so in status and retry, not fail opaquely.
_UNAVAILABLE = (psycopg.Error, PoolTimeout, TimeoutError)


def read_password(path: Path) -> str:
    """The password in ``path`` (a mounted Secret), without a trailing newline.

    A missing or unreadable file is a failed connection attempt (``OperationalError``), which
    the pool retries and ``store_errors`` reports, as it would a refused password.
    """
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise psycopg.OperationalError(
            f"RELNOTES_DATABASE_PASSWORD_FILE {path}: {error.strerror}"
        ) from error


def connect_kwargs(
    static: dict[str, Any], password_file: Path | None
) -> dict[str, Any] | Callable[[], dict[str, Any]]:
    """``static``, or a function adding the file's current password at every connection."""
    if password_file is None:
        return static

    def with_password() -> dict[str, Any]:
        return {**static, "password": read_password(password_file)}

    return with_password


def build_pool(
    conninfo: str,
    *,
    password_file: Path | None = None,
    min_size: int = 1,
    max_size: int = 8,
    acquire_timeout_s: float = 3.0,
    connect_timeout_s: int = 3,
    statement_timeout_ms: int = 5000,
    reconnect_timeout_s: float = 10.0,
) -> AsyncConnectionPool[AsyncConnection[TupleRow]]:
    """A closed pool: open it with ``await pool.open(wait=False)`` where the process starts.

    ``wait=False`` lets an operator start while Postgres is down; handlers then get
    ``StoreUnavailable`` until it is back, and the pool reconnects by itself. A reconnection
    attempt gives up (and a new one starts at a short delay) after ``reconnect_timeout_s``, so
    the pool's backoff cannot grow to minutes during an outage.

    Connections are not checked each time they are handed out: that is one more round trip per
    query, and under a burst of hundreds of resources the round trips, not Postgres, set the
    pace (bench/operator_throughput.py). Only one that sat idle is checked (``connection``);
    a busy one that a restart or failover killed fails its query instead: a retryable
    ``StoreUnavailable``, and the pool discards the connection. TCP keepalives and
    ``tcp_user_timeout`` bound how long a query can wait on a peer that vanished without
    closing the connection (an RDS failover). ``password_file`` overrides any password in
    ``conninfo``, read at each new connection.
    """
    return AsyncConnectionPool(
        conninfo,
        min_size=min_size,
        max_size=max_size,
        timeout=acquire_timeout_s,
        open=False,
        name="relnotes",
        reconnect_timeout=reconnect_timeout_s,
        kwargs=connect_kwargs(
            {
                "autocommit": True,
                "connect_timeout": connect_timeout_s,
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 5,
                "keepalives_count": 3,
                "tcp_user_timeout": 15_000,
                "options": f"-c statement_timeout={statement_timeout_ms}",
            },
            password_file,
        ),
    )


@asynccontextmanager
async def store_errors(action: str) -> AsyncIterator[None]:
    """Translate psycopg's errors and pool timeouts into ``StoreUnavailable``."""
    try:
        yield
    except _UNAVAILABLE as error:
        log.warning("postgres unavailable", extra={"action": action, "error": str(error)})
        raise StoreUnavailable(f"postgres unavailable during {action}: {error}") from error


Pool = AsyncConnectionPool[AsyncConnection[TupleRow]]
T = TypeVar("T")

# When each pooled connection was last given back (what was idle may have been cut meanwhile).
_returned: "weakref.WeakKeyDictionary[AsyncConnection[TupleRow], float]" = (
    weakref.WeakKeyDictionary()
)
IDLE_CHECK_S = 1.0


class ConnectionLost(StoreUnavailable):
    """The connection died under a statement (Postgres restarted or failed over): the pool's
    other connections were checked and replaced, so trying once more can succeed at once."""


@asynccontextmanager
async def connection(pool: Pool, action: str) -> AsyncIterator[AsyncConnection[TupleRow]]:
    """A pooled connection, with failures translated (see ``store_errors``).

    A connection that sat idle for more than ``IDLE_CHECK_S`` is pinged first (an empty
    query, one round trip), and a dead one is handed back, which makes the pool replace it,
    and the next one is taken. Under load connections never sit idle that long, so a burst
    pays no pings (bench/operator_throughput.py). When a connection dies under a statement
    anyway (Postgres came back within a second), every idle connection is checked at once
    (``pool.check()``) and ``ConnectionLost`` says a retry will find live ones.
    """
    async with store_errors(action):
        conn = await _live_connection(pool)
        try:
            yield conn
        except psycopg.Error as error:
            if not conn.broken:
                raise
            await pool.putconn(conn)
            await pool.check()
            message = f"postgres unavailable during {action}: connection lost: {error}"
            raise ConnectionLost(message) from error
        finally:
            if not conn.broken:
                _returned[conn] = time.monotonic()
                await pool.putconn(conn)


async def with_connection(
    pool: Pool, action: str, work: Callable[[AsyncConnection[TupleRow]], Awaitable[T]]
) -> T:
    """``work`` on a pooled connection; once more if the connection turned out to be dead.

    Only for idempotent work (upserts, reads): the first statement after a Postgres restart
    then succeeds instead of failing the reconcile that sent it.
    """
    try:
        async with connection(pool, action) as conn:
            return await work(conn)
    except ConnectionLost:
        log.info("retrying on a fresh connection", extra={"action": action})
    async with connection(pool, action) as conn:
        return await work(conn)


async def _live_connection(pool: Pool) -> AsyncConnection[TupleRow]:
    for _ in range(pool.max_size + 1):
        conn = await pool.getconn()
        if time.monotonic() - _returned.get(conn, 0.0) <= IDLE_CHECK_S:
            return conn
        try:
            await AsyncConnectionPool.check_connection(conn)
        except (psycopg.OperationalError, psycopg.InterfaceError):
            log.info("discarding a pooled connection that died while idle")
            await pool.putconn(conn)  # broken: the pool closes it and opens another
            continue
        return conn
    return await pool.getconn()  # every one was dead: this one is new (or times out)

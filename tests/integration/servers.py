"""Real Redis and Postgres servers that a test can stop and start again, on free local ports.

They are pytest-redis's and pytest-postgresql's executors (mirakuru underneath: bounded waits for
the port, clean stops), used directly rather than through their fixtures because a test here
stops a server mid-run and the benchmark and e2e tests start them outside pytest. PostgreSQL
refuses to run as root, and CI runs as root: then pg_ctl runs as the ``postgres`` system user
(through ``runuser``) from a directory that user owns. Nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis
from psycopg import sql
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_redis.executor import RedisExecutor
from tests.tools import missing_tool

__all__ = [
    "PostgresServer",
    "RedisServer",
    "find_pg_bin",
    "free_port",
    "running_postgres",
    "running_redis",
]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def find_pg_bin() -> Path | None:
    """The newest PostgreSQL server bin directory (RELNOTES_PG_BIN overrides)."""
    override = os.environ.get("RELNOTES_PG_BIN")
    if override:
        return Path(override)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


class RedisServer:
    """``redis-server`` without persistence, stoppable and restartable on the same port."""

    def __init__(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise FileNotFoundError("redis-server is not installed")
        self.port = free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="relnotes-redis-"))
        self._executor = RedisExecutor(
            executable,
            databases=16,
            redis_timeout=0,
            loglevel="warning",
            host="127.0.0.1",
            port=self.port,
            startup_timeout=20,
            datadir=self._dir,
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._executor.start()
        self.flush()  # no persistence: a restarted server starts empty, as after a failover

    def stop(self) -> None:
        if self._executor.running():
            self._executor.stop()

    def flush(self) -> None:
        client = redis.Redis(port=self.port)
        client.flushall()
        client.close()


def _as_postgres_user(pg_ctl: Path, root: Path) -> Path:
    """A pg_ctl that runs as ``postgres`` (root may not run PostgreSQL); ``root`` is theirs."""
    wrapper = root / "pg_ctl"
    wrapper.write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
    wrapper.chmod(0o755)
    shutil.chown(root, "postgres", "postgres")
    return wrapper


class PostgresServer:
    """A throwaway cluster, stoppable and restartable on the same port."""

    def __init__(self, bin_dir: Path) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="relnotes-pg-"))
        pg_ctl = bin_dir / "pg_ctl"
        if os.geteuid() == 0:
            pg_ctl = _as_postgres_user(pg_ctl, self.root)
        self._executor = PostgreSQLExecutor(
            executable=str(pg_ctl),
            host="127.0.0.1",
            port=self.port,
            datadir=str(self.root / "data"),
            unixsocketdir=str(self.root),
            logfile=str(self.root / "log"),
            startparams="-w -t 30",
            dbname="postgres",
            timeout=60,
            postgres_options="-c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off",
        )

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def start(self) -> None:
        self._executor.start()

    def running(self) -> bool:
        return self._executor.running()

    def stop(self) -> None:
        self._executor.stop()

    def create_database(self, name: str) -> str:
        """A new database; waits out "the database system is starting up" (pg_ctl -w returns
        when the port answers, a moment before the server accepts sessions)."""
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.dsn(), autocommit=True) as conn:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return self.dsn(name)
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def destroy(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A throwaway Postgres for the block (no binaries: a skip, or a failure in CI)."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        missing_tool("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.destroy()


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A throwaway Redis for the block (no redis-server: a skip, or a failure in CI)."""
    if shutil.which("redis-server") is None:
        missing_tool("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()

"""Fixtures for integration tests: real Redis, real Postgres, the real model-service, kopf.

Redis and Postgres run as local processes on free ports (see ``servers.py``); a test that stops
one gets its own server, the others share a session server and get a fresh database / a flushed
Redis. Without ``redis-server`` or PostgreSQL binaries the tests skip with a reason, except under
``CI=true``, where a missing server is a failure.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness import (
    MODEL_SERVICE_KEY,
    Cluster,
    FaultProxy,
    api_server,
    kubeconfig,
    model_service,
    running_operator,
)
from servers import PostgresServer, RedisServer, running_postgres, running_redis

from relnotes.controller.handlers import build_registry
from relnotes.storage.batching import Batcher
from relnotes.storage.database import build_pool
from relnotes.storage.migrations import apply_migrations
from relnotes.storage.note_store import NoteStore


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


def _redis() -> Iterator[RedisServer]:
    with running_redis() as server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """The Redis the tests share (flushed for each, see ``redis_url``)."""
    yield from _redis()


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    """A Redis of this test's own, which the test may stop."""
    yield from _redis()


@pytest.fixture
def database(postgres_server: PostgresServer) -> str:
    """A fresh, empty database; the operator migrates it at start."""
    return postgres_server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def own_postgres(
    postgres_server: PostgresServer,
    database: str,
    operator_env: None,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[PostgresServer, str]]:
    """Operator settings on the shared Redis and a fresh database of the session server, which
    this test may stop: it is started again afterwards, whatever happens."""
    monkeypatch.setenv("RELNOTES_REDIS_URL", redis_url)
    try:
        yield postgres_server, database
    finally:
        if not postgres_server.running():
            postgres_server.start()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url


@pytest.fixture
async def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Cluster]:
    handler = Cluster()
    handler.declare()
    async with handler, api_server(handler):
        config = kubeconfig(tmp_path / "kubeconfig", str(handler.url).rstrip("/"))
        monkeypatch.setenv("KUBECONFIG", str(config))
        yield handler


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FaultProxy]:
    """The real model-service (deterministic engine) behind a fault-injecting proxy."""
    for name in ("OPENAI_API_KEY", "RELNOTES_MODEL", "RELNOTES_UPSTREAM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    async with model_service() as (url, proxy):
        monkeypatch.setenv("RELNOTES_MODEL_SERVICE_URL", url)
        monkeypatch.setenv("RELNOTES_MODEL_SERVICE_API_KEY", MODEL_SERVICE_KEY)
        yield proxy


@pytest.fixture
def operator_env(monkeypatch: pytest.MonkeyPatch, database: str, model: FaultProxy) -> None:
    """Settings for a fast, bounded operator: short timeouts and backoffs."""
    values = {
        "RELNOTES_DATABASE_URL": database,
        "RELNOTES_MIGRATE_ON_START": "true",
        "RELNOTES_VIEW_BASE_URL": "https://notes.example.test",
        "RELNOTES_RETRY_BASE_SECONDS": "0.3",
        "RELNOTES_RETRY_CAP_SECONDS": "1",
        "RELNOTES_GENERATION_TIMEOUT_SECONDS": "8",
        "RELNOTES_UPSTREAM_TIMEOUT_SECONDS": "2",
        "RELNOTES_UPSTREAM_MAX_RETRIES": "0",
        "RELNOTES_DELETE_TIMEOUT_SECONDS": "1",
        "RELNOTES_DB_TIMEOUT_SECONDS": "1",
        "RELNOTES_PROBE_TIMEOUT_SECONDS": "1",
        "RELNOTES_SWEEP_INTERVAL_SECONDS": "1",
        "RELNOTES_SWEEP_TIMEOUT_SECONDS": "5",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RELNOTES_REDIS_URL", raising=False)


@pytest.fixture
async def operator(
    cluster: Cluster, operator_env: None, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> AsyncIterator[Cluster]:
    """kopf running relnotes' handlers against ``cluster``, with the shared Redis."""
    monkeypatch.setenv("RELNOTES_REDIS_URL", redis_url)
    async with running_operator(build_registry()):
        yield cluster


@pytest.fixture
async def store(database: str) -> AsyncIterator[NoteStore]:
    await apply_migrations(database)
    pool = build_pool(database)
    await pool.open(wait=True, timeout=10)
    try:
        yield NoteStore(pool)
    finally:
        await pool.close()


@pytest.fixture
def spy_batches(monkeypatch: pytest.MonkeyPatch) -> Callable[[type[Batcher[Any, Any]]], list[int]]:
    """Spy on a ``Batcher`` class: the size of every batch it sends, in order."""

    def spy_on(kind: type[Batcher[Any, Any]]) -> list[int]:
        sizes: list[int] = []
        original = kind._send_batch

        async def spy(self: Batcher[Any, Any], batch: list[Any]) -> Sequence[Any]:
            sizes.append(len(batch))
            return await original(self, batch)

        monkeypatch.setattr(kind, "_send_batch", spy)
        return sizes

    return spy_on

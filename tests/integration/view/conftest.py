"""A view app on a real, migrated Postgres, with notes written by the store code."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from servers import PostgresServer
from tests.notes import sample_note

from relnotes.config import Settings
from relnotes.models.result import GeneratedNote
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.note_store import NoteRef, NoteStore
from relnotes.view.app import build_app
from relnotes.view.context import VIEW

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
Writer = Callable[..., Awaitable[None]]


@pytest.fixture
def database(postgres_server: PostgresServer) -> str:
    """A fresh database (a test here restarts the server: ``create_database`` waits for it)."""
    return postgres_server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
async def view(
    store: NoteStore, database: str, aiohttp_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> TestClient[Any, Any]:
    """The view (``relnotes view``'s app, its own pool and change listener) on ``database``."""
    monkeypatch.setenv("RELNOTES_DATABASE_URL", database)
    return await aiohttp_client(build_app(Settings()))


@pytest.fixture
def write(store: NoteStore) -> Writer:
    """Record a note through ``NoteStore`` (what the operator calls)."""

    async def record(
        name: str,
        *,
        namespace: str = "platform",
        generation: int = 1,
        uid: str | None = None,
        note: GeneratedNote | None = None,
        failed: str | None = None,
        **spec: Any,
    ) -> None:
        manifest = {"changeSummary": f"Changed {name}", **spec}
        ref = NoteRef(uid or f"uid-{namespace}-{name}", generation, namespace, name)
        parsed = ReleaseNoteSpec.model_validate(manifest)
        if failed is not None:
            await store.fail(ref, parsed, failed)
            return
        await store.record(ref, parsed, note or sample_note(), cache_key="rn1:k", hit=False)

    return record


Primer = Callable[[str, dict[str, str]], Awaitable[None]]


@pytest.fixture
def until_cached(view: TestClient[Any, Any]) -> Primer:
    """GET a URL until the page cache answers it: the listener's first connect and the NOTIFY
    of the writes before it empty the cache, at a moment of their own."""
    return lambda url, headers: _until_cached(view, url, headers)


async def _until_cached(view: TestClient[Any, Any], url: str, headers: dict[str, str]) -> None:
    metrics = view.app[VIEW].metrics.cache_hits
    for _ in range(60):
        before = metrics._value.get()
        assert (await view.get(url, headers=headers)).status == 200
        if metrics._value.get() > before:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} was never answered from the page cache")

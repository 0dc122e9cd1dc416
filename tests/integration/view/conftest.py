"""A view app on a real, migrated Postgres, with notes written by the store code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from tests.notes import sample_note

from relnotes.config import Settings
from relnotes.models.result import GeneratedNote
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.note_store import NoteRef, NoteStore
from relnotes.view.app import build_app

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
Writer = Callable[..., Awaitable[None]]


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

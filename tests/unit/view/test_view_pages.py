"""The read-only view: formats, escaping, filters and errors, over rows served from memory."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from relnotes.config import Settings
from relnotes.models.errors import StoreUnavailable
from relnotes.models.result import NoteDraft, Provenance
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.catalog import NoteCatalog
from relnotes.storage.note_rows import NoteRow
from relnotes.view.app import build_app
from relnotes.view.context import ViewContext

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]

DRAFT = NoteDraft.model_validate(
    {
        "releaseNote": (
            "Moved the <script>alert(1)</script> cache from cache.t3.micro to cache.t3.small."
        ),
        "testScenarios": [
            {"title": "Connect", "steps": ["redis-cli PING"], "expected": "PONG"},
            {"title": "Rollback", "steps": ["Modify back"], "expected": "Old class restored"},
        ],
        "category": "cache",
        "risk": "medium",
    }
)


def row(
    name: str, *, component: str = "sessions", deleted: bool = False, draft: bool = True
) -> NoteRow:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    spec = ReleaseNoteSpec.model_validate(
        {
            "changeSummary": "Moved the cache to cache.t3.small",
            "component": component,
            "links": ["https://example.com/pr/1"],
        }
    )
    provenance = Provenance(
        provider="deterministic", model="relnotes-deterministic", prompt_version="p1"
    )
    return NoteRow(
        id=1, uid=f"uid-{name}", generation=1, namespace="platform", name=name,
        component=component, environment=None, version="1.2.3", spec=spec,
        phase="Ready" if draft else "Failed", draft=DRAFT if draft else None,
        provenance=provenance if draft else None, cache_key="rn1:x", cache_hit=False,
        error=None if draft else "model-service: HTTP 503", created_at=now, updated_at=now,
        deleted_at=now if deleted else None,
    )  # fmt: skip


class MemoryReader:
    def __init__(self, rows: list[NoteRow], up: bool = True) -> None:
        self.rows = rows
        self.up = up

    async def ping(self) -> None:
        if not self.up:
            raise StoreUnavailable("postgres unavailable during ping")

    async def latest(self, namespace: str, name: str) -> NoteRow | None:
        found = [r for r in self.rows if (r.namespace, r.name) == (namespace, name)]
        return found[0] if found else None

    async def list(
        self,
        namespace: str | None = None,
        component: str | None = None,
        version: str | None = None,
        limit: int = 50,
        before: datetime | None = None,
        live_only: bool = False,
    ) -> list[NoteRow]:
        found = [r for r in self.rows if component in (None, r.component)]
        return [r for r in found if not (live_only and r.deleted_at)][:limit]


@pytest.fixture
async def client(aiohttp_client: ClientFactory) -> TestClient[Any, Any]:
    reader = MemoryReader([row("cache"), row("gone", deleted=True), row("db", component="db"),
                           row("broken", draft=False)])  # fmt: skip
    return await aiohttp_client(build_app(Settings(), ViewContext(NoteCatalog(reader), reader)))


async def test_a_note_as_html_is_escaped_and_secured(client: TestClient[Any, Any]) -> None:
    response = await client.get("/notes/platform/cache")
    assert response.status == 200
    page = await response.text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert "cache.t3.small" in page
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_markdown_and_json_from_the_same_url(client: TestClient[Any, Any]) -> None:
    markdown = await client.get("/notes/platform/cache", headers={"Accept": "text/markdown"})
    assert markdown.content_type == "text/markdown"
    text = await markdown.text()
    assert text.startswith("## platform/cache")
    assert "\\<script\\>" in text
    document = await (await client.get("/notes/platform/cache?format=json")).json()
    assert document["draft"]["releaseNote"] == DRAFT.release_note
    assert document["spec"]["component"] == "sessions"


async def test_the_index_filters_and_hides_deleted_notes(client: TestClient[Any, Any]) -> None:
    listing = await (await client.get("/notes?format=json&component=db")).json()
    assert [item["name"] for item in listing["items"]] == ["db"]
    everything = await (await client.get("/notes?format=json")).json()
    assert [item["name"] for item in everything["items"]] == ["cache", "db", "broken"]
    assert (await client.get("/", allow_redirects=False)).headers["Location"] == "/notes"
    html = await (await client.get("/notes")).text()
    assert '<a href="/notes/platform/cache">' in html


async def test_a_note_without_a_draft_says_why(client: TestClient[Any, Any]) -> None:
    text = await (await client.get("/notes/platform/broken?format=md")).text()
    assert "Failed: model-service: HTTP 503" in text


async def test_bad_requests_name_the_parameter(client: TestClient[Any, Any]) -> None:
    response = await client.get("/notes?limit=1000")
    assert response.status == 400
    assert "limit: Input should be less than or equal to 200" in await response.text()
    response = await client.get("/notes?format=pdf")
    assert response.status == 400
    assert "format: must be one of html, md, json" in await response.text()
    missing = await client.get("/notes/platform/nothing")
    assert missing.status == 404
    assert "no release note recorded for platform/nothing" in await missing.text()


async def test_readiness_follows_the_store(aiohttp_client: ClientFactory) -> None:
    reader = MemoryReader([], up=False)
    client = await aiohttp_client(build_app(Settings(), ViewContext(NoteCatalog(reader), reader)))
    assert (await client.get("/healthz")).status == 200
    response = await client.get("/readyz")
    assert response.status == 503
    assert "postgres unavailable" in (await response.json())["reason"]

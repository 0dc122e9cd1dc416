"""Caching that is fast and correct: validators and 304s, gzip, invalidation by NOTIFY within
2 s, and answers in under 100 ms while Postgres is down (cached pages 200, the rest 503)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient
from servers import PostgresServer

Writer = Callable[..., Awaitable[None]]
Primer = Callable[[str, dict[str, str]], Awaitable[None]]


async def test_etag_last_modified_304_and_gzip(view: TestClient[Any, Any], write: Writer) -> None:
    for number in range(8):
        await write(f"note-{number}")
    first = await view.get("/notes", headers={"Accept-Encoding": "gzip"})
    assert first.status == 200
    assert first.headers["Content-Encoding"] == "gzip"
    assert "max-age" in first.headers["Cache-Control"]
    assert "Accept-Encoding" in first.headers["Vary"]
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = await view.get("/notes", headers={"If-None-Match": etag})
    assert again.status == 304
    assert await again.read() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Server"] == "relnotes"
    assert "max-age" in again.headers["Cache-Control"]
    since = await view.get("/notes", headers={"If-Modified-Since": modified})
    assert since.status == 304
    other_format = await view.get(
        "/notes", headers={"If-None-Match": etag, "Accept": "text/markdown"}
    )
    assert other_format.status == 200  # a different representation has a different tag
    for url in ("/api/v1/notes", "/notes/platform/note-1", "/changelog", "/feed.atom"):
        response = await view.get(url)
        assert response.status == 200
        assert (
            await view.get(url, headers={"If-None-Match": response.headers["ETag"]})
        ).status == 304


async def test_a_new_note_shows_within_two_seconds(
    view: TestClient[Any, Any], write: Writer, until_cached: Primer
) -> None:
    await write("first")
    await until_cached("/notes", {})
    assert "first" in await (await view.get("/notes")).text()
    await write("second")
    started = time.monotonic()
    while "notes/platform/second" not in await (await view.get("/notes")).text():
        assert time.monotonic() - started < 2, "the new note did not show within 2 s"
        await asyncio.sleep(0.05)
    regenerated = "notes/platform/first"
    await write("first", generation=2)
    body = await (await view.get("/api/v1/notes/platform/first")).json()
    deadline = time.monotonic() + 2
    while len(body["history"]) != 2:
        assert time.monotonic() < deadline, regenerated
        await asyncio.sleep(0.05)
        body = await (await view.get("/api/v1/notes/platform/first")).json()


async def test_postgres_down_answers_at_once(
    view: TestClient[Any, Any],
    write: Writer,
    postgres_server: PostgresServer,
    until_cached: Primer,
) -> None:
    await write("cached")
    json = {"Accept": "application/json"}
    for url in ("/notes", "/notes/platform/cached"):
        await until_cached(url, json)
    postgres_server.stop()
    try:
        timings = []
        for _ in range(3):
            for url, expected in (
                ("/notes", 200),
                ("/notes/platform/cached", 200),
                ("/changelog", 503),
                ("/api/v1/notes?limit=3", 503),
                ("/readyz", 503),
            ):
                started = time.perf_counter()
                response = await view.get(url, headers=json)
                timings.append(time.perf_counter() - started)
                assert response.status == expected, (url, await response.text())
                if expected == 503:
                    body = await response.json()
                    message = body["error"]["message"] if "error" in body else body["reason"]
                    assert "postgres unavailable" in message
        assert max(timings) < 0.1, timings
        metrics = await (await view.get("/metrics")).text()
        assert (
            'relnotes_view_requests_total{route="/changelog{suffix}",status="503"} 3.0' in metrics
        )
        assert "relnotes_view_store_errors_total" in metrics
        assert (
            'relnotes_view_request_seconds_bucket{le="0.1",route="/changelog{suffix}"} 3.0'
            in metrics
        )
    finally:
        postgres_server.start()
    deadline = time.monotonic() + 15
    while (await view.get("/readyz")).status != 200:
        assert time.monotonic() < deadline, "the view did not become ready after Postgres returned"
        await asyncio.sleep(0.2)
    assert (await view.get("/changelog")).status == 200

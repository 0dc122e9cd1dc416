"""The changelog (Keep a Changelog, HTML and Markdown) and the Atom feed, on a real Postgres."""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

Writer = Callable[..., Awaitable[None]]
ATOM = "{http://www.w3.org/2005/Atom}"


async def test_changelog_by_version_then_category(
    view: TestClient[Any, Any], write: Writer
) -> None:
    await write("old", version="1.9.0")
    await write("new", version="1.10.0")
    await write("loose")
    await write("broken", version="1.10.0", failed="HTTP 503")
    markdown = await (await view.get("/changelog.md")).text()
    assert markdown.startswith("# Changelog")
    assert (
        markdown.index("## [Unreleased]")
        < markdown.index("## [1.10.0]")
        < markdown.index("## [1.9.0]")
    )
    assert "### Cache\n\n- Upgraded Redis to 7.2. (platform/new)" in markdown
    assert "broken" not in markdown  # only written notes make a changelog
    html = await (await view.get("/changelog?version=1.9.0")).text()
    assert "[1.9.0]" in html
    assert "[1.10.0]" not in html
    assert '<a href="/notes/platform/old">' in html


async def test_atom_feed_is_valid_with_stable_ids(
    view: TestClient[Any, Any], write: Writer
) -> None:
    await write("cache", version="1.2")
    await write("cache", generation=2, version="1.2")
    await write("dns")
    response = await view.get("/feed.atom")
    assert response.status == 200
    assert response.content_type == "application/atom+xml"
    body = await response.read()
    root = ET.fromstring(body)  # noqa: S314 - our own output
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "urn:relnotes:feed:notes"
    entries = root.findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert ids == ["urn:relnotes:note:uid-platform-dns:1", "urn:relnotes:note:uid-platform-cache:2"]
    for entry in entries:
        for field in ("title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{field}"), field
        link = entry.find(f"{ATOM}link")
        assert link is not None
        assert link.get("href", "").startswith("http://127.0.0.1:")
    await write("extra")  # a new render after a change: the old entries keep their ids
    deadline = time.monotonic() + 2
    while True:
        again = ET.fromstring(await (await view.get("/feed.atom")).read())  # noqa: S314
        fresh = [e.findtext(f"{ATOM}id") for e in again.findall(f"{ATOM}entry")]
        if len(fresh) == 3 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert fresh == ["urn:relnotes:note:uid-platform-extra:1", *ids]

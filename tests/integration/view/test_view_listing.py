"""The index on a real Postgres: one entry per note, complete keyset paging, filters, search."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient
from tests.notes import sample_note
from yarl import URL

from relnotes.models.result import Category, GeneratedNote, NoteDraft, Risk
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.catalog import encode_cursor
from relnotes.storage.listing_queries import VersionReads
from relnotes.storage.note_store import NoteRef, NoteStore

Writer = Callable[..., Awaitable[None]]


def drafted(text: str, category: Category = Category.CACHE, risk: Risk = Risk.LOW) -> GeneratedNote:
    base = sample_note()
    draft = NoteDraft(
        release_note=text,
        test_scenarios=base.draft.test_scenarios,
        category=category,
        risk=risk,
    )
    return GeneratedNote(draft=draft, provenance=base.provenance)


async def _walk(view: TestClient[Any, Any], url: str, link: str) -> list[list[str]]:
    pages: list[list[str]] = []
    next_url: str | None = url
    while next_url is not None and len(pages) < 50:
        response = await view.get(next_url)
        assert response.status == 200, await response.text()
        body = await response.json()
        pages.append([item["name"] for item in body["items"]])
        next_url = body[link]
    return pages


async def test_fifty_notes_of_one_transaction_are_each_reachable_once(
    view: TestClient[Any, Any], write: Writer, database: str
) -> None:
    await asyncio.gather(*(write(f"note-{n:02d}") for n in range(50)))
    with psycopg.connect(database) as conn:
        stamps = conn.execute("SELECT count(DISTINCT created_at) FROM release_notes").fetchone()
    assert stamps == (1,)  # one transaction: every row shares created_at; only id orders them

    pages = await _walk(view, "/api/v1/notes?limit=7", "next")
    names = [name for page in pages for name in page]
    assert len(names) == 50
    assert sorted(names) == [f"note-{n:02d}" for n in range(50)]
    assert [len(page) for page in pages] == [7] * 7 + [1]

    last = await (await view.get("/api/v1/notes?limit=7")).json()
    while last["next"]:
        last = await (await view.get(last["next"])).json()
    back = await _walk(view, last["previous"], "previous")
    seen_back = [n for page in back for n in page] + [i["name"] for i in last["items"]]
    assert sorted(seen_back) == sorted(names)

    # The HTML pager reaches the same notes.
    html_names: list[str] = []
    url: str | None = "/notes?limit=10"
    while url is not None:
        page = await (await view.get(url)).text()
        html_names += re.findall(r'class="title" href="/notes/platform/([a-z0-9-]+)"', page)
        found = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert sorted(html_names) == sorted(names)


async def test_one_entry_per_note_newest_generation_and_deleted_hidden(
    view: TestClient[Any, Any], write: Writer, store: NoteStore
) -> None:
    for generation in (1, 2, 3):
        await write("cache", generation=generation, note=drafted(f"Generation {generation} ok."))
    await write("dns", failed="ModelNotFound: no such model")
    await write("gone")
    await store.mark_deleted("uid-platform-gone")
    body = await (await view.get("/notes.json")).json()
    entries = {item["name"]: item for item in body["items"]}
    assert set(entries) == {"cache", "dns"}
    assert entries["cache"]["generation"] == 3
    assert entries["cache"]["releaseNote"] == "Generation 3 ok."
    assert entries["dns"]["phase"] == "Failed"
    html = await (await view.get("/notes")).text()
    assert "Failed: ModelNotFound: no such model" in html

    note = await (await view.get("/api/v1/notes/platform/cache")).json()
    assert [h["generation"] for h in note["history"]] == [3, 2, 1]
    assert note["deleted"] is False
    page = await (await view.get("/notes/platform/cache")).text()
    assert page.count("Generation ") >= 3
    gone = await view.get("/notes/platform/gone")
    assert gone.status == 200
    assert "was deleted" in await gone.text()
    assert (await (await view.get("/notes/platform/gone.json")).json())["deleted"] is True


async def test_filters_and_full_text_search(view: TestClient[Any, Any], write: Writer) -> None:
    await write(
        "redis",
        component="redis",
        environment="prod",
        version="1.2",
        note=drafted("Upgraded Redis to 7.2 for faster replication."),
    )
    await write(
        "vpc",
        namespace="network",
        component="vpc",
        environment="staging",
        version="1.3",
        note=drafted("Opened port 443 on the edge security group.", Category.SECURITY, Risk.HIGH),
    )
    await write(
        "db",
        component="postgres",
        version="1.3",
        note=drafted("Moved the orders database to db.r6g.large.", Category.DATABASE, Risk.MEDIUM),
    )

    async def names(query: str) -> list[str]:
        response = await view.get(f"/api/v1/notes?{query}")
        assert response.status == 200, await response.text()
        return sorted(item["name"] for item in (await response.json())["items"])

    assert await names("namespace=network") == ["vpc"]
    assert await names("component=redis") == ["redis"]
    assert await names("environment=staging") == ["vpc"]
    assert await names("version=1.3") == ["db", "vpc"]
    assert await names("category=security") == ["vpc"]
    assert await names("risk=medium") == ["db"]
    assert await names("q=replication") == ["redis"]
    assert await names("q=databases") == ["db"]  # stemmed: database(s)
    assert await names("q=orders+-redis") == ["db"]
    assert await names("version=1.3&risk=high") == ["vpc"]
    assert await names("q=nothing-like-this") == []
    html = await (await view.get("/notes?component=&q=replication")).text()
    assert "Upgraded Redis" in html
    assert "Moved the orders" not in html


async def test_a_row_rewritten_in_place_shows_its_new_content(
    view: TestClient[Any, Any], write: Writer, store: NoteStore
) -> None:
    """Listings keep rows by version (id, xmin) and drawn pages by content: a row updated in
    place (same id: Generating, then Ready, then deleted) shows as it is now, whatever the
    format or cursor (many cursors show the same rows)."""
    ref = NoteRef("uid-platform-inplace", 1, "platform", "inplace")
    await store.begin(ref, ReleaseNoteSpec.model_validate({"changeSummary": "In place"}), "k")
    past_newest = encode_cursor((datetime(2999, 1, 1, tzinfo=UTC), 1))
    urls = (
        "/notes",
        f"/notes?after={past_newest}",
        "/notes.json",
        f"/notes.md?after={past_newest}",
    )

    async def shown(text: str, present: bool = True) -> None:
        deadline = time.monotonic() + 2  # the page cache is emptied by NOTIFY
        for url in urls:
            while (text in await (await view.get(url)).text()) != present:
                assert time.monotonic() < deadline, (url, text, present)
                await asyncio.sleep(0.05)

    await shown("inplace")
    await write("inplace", note=drafted("Now ready, in the same row."))
    await shown("Now ready, in the same row.")
    await store.mark_deleted("uid-platform-inplace")
    await shown("inplace", present=False)


async def test_listings_asked_together_each_get_their_own_page(
    view: TestClient[Any, Any], write: Writer, spy_batches: Callable[..., list[int]]
) -> None:
    """Listing queries that arrive together share one pipeline to Postgres; each caller still
    gets its own page, in both directions."""
    sizes = spy_batches(VersionReads)
    await asyncio.gather(*(write(f"note-{n:02d}") for n in range(30)))
    whole = [
        item["name"] for item in (await (await view.get("/api/v1/notes?limit=30")).json())["items"]
    ]
    assert sorted(whole) == [f"note-{n:02d}" for n in range(30)]
    urls = [f"/api/v1/notes?limit={n}" for n in range(1, 31)]
    after = URL((await (await view.get("/api/v1/notes?limit=10")).json())["next"]).query["after"]
    urls += [f"/api/v1/notes?after={after}&limit={n}" for n in range(1, 21)]  # past the first 10
    answers = await asyncio.gather(*(view.get(url) for url in urls))
    pages = [[item["name"] for item in (await answer.json())["items"]] for answer in answers]
    for n, page in enumerate(pages[:30], start=1):
        assert page == whole[:n]
    for n, page in enumerate(pages[30:], start=1):
        assert page == whole[10 : 10 + n]
    assert max(sizes) > 1  # some did share a pipeline


async def test_the_filter_form_shows_the_filters_of_its_own_page(
    view: TestClient[Any, Any], write: Writer
) -> None:
    await write("vpc", namespace="network", component="vpc", note=drafted("Opened port 443."))

    def form(html: str) -> dict[str, str]:
        found = dict(re.findall(r'<input[^>]*name="(\w+)" value="([^"]*)"', html))
        for name in ("category", "risk"):
            select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
            assert select is not None
            chosen = re.findall(r"<option selected>(\w+)</option>", select.group(0))
            found[name] = chosen[0] if chosen else ""
        return found

    for path in ("/notes", "/changelog"):
        asked = f"{path}?q=port+%3Cb%3E&namespace=network&category=security&risk=high"
        shown = form(await (await view.get(asked)).text())
        assert shown == {
            "q": "port &lt;b&gt;",  # escaped, as every value the reader typed
            "namespace": "network",
            "component": "",
            "environment": "",
            "version": "",
            "category": "security",
            "risk": "high",
        }
        # The form is drawn once per set of filters: another set gets its own.
        shown = form(await (await view.get(f"{path}?component=vpc")).text())
        assert shown == {**dict.fromkeys(shown, ""), "component": "vpc"}

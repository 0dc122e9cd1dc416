"""Safety of every format: an XSS corpus in every user- and model-controlled field, hostile
parameters, and the headers a browser relies on; against a real Postgres."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from markdown_it import MarkdownIt

from relnotes.models.result import (
    Category,
    GeneratedNote,
    NoteDraft,
    Provenance,
    Risk,
    Scenario,
    TokenUsage,
)
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.note_store import NoteRef, NoteStore

CORPUS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[click](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '"><body onload=alert(1)>',
    "`code` <b onmouseover=alert(1)>bold</b>",
    "<javascript:alert(1)>",
    "[a]: javascript:alert(1)",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<object data=x></object><embed src=x>",
]
FORBIDDEN_TAGS = {"script", "iframe", "svg", "img", "object", "embed", "math", "b", "mi"}
SAFE_HREF = ("/", "?", "#", "http://", "https://")


class ActiveContent(HTMLParser):
    """Every tag, attribute and link a browser would act on."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.counts: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "xlink:href") and not (value or "").startswith(
                SAFE_HREF
            ):
                self.problems.append(f"{tag}[{name}={value}]")


def assert_inert_html(html: str, where: str) -> None:
    parser = ActiveContent()
    parser.feed(html)
    assert parser.problems == [], where
    assert parser.counts.get("body", 0) <= 1, where
    assert parser.counts.get("style", 0) <= 1, where


def assert_inert_markdown(text: str, where: str) -> None:
    # The most permissive reading: raw HTML on, as a renderer that trusts its input would do.
    assert_inert_html(MarkdownIt("commonmark", {"html": True}).render(text), where)


def hostile_note(payload: str) -> GeneratedNote:
    scenario = Scenario(title=payload[:120], steps=[payload], expected=payload)
    draft = NoteDraft(
        release_note=f"{payload} ok.",
        test_scenarios=[scenario, scenario],
        category=Category.SECURITY,
        risk=Risk.HIGH,
    )
    provenance = Provenance(
        provider=payload,
        model=payload,
        prompt_version=payload,
        usage=TokenUsage(prompt_tokens=1, completion_tokens=1),
        fallback_reason=payload,
    )
    return GeneratedNote(draft=draft, provenance=provenance)


@pytest.fixture
async def hostile(store: NoteStore) -> list[str]:
    names = []
    for number, payload in enumerate(CORPUS):
        spec = ReleaseNoteSpec.model_validate(
            {
                "changeSummary": f"Change {payload}",
                "version": payload[:64],
                "model": payload[:128],
                "links": ["https://example.com/pr/1"],
            }
        )
        name = f"x{number}"
        await store.record(
            NoteRef(f"uid-{name}", 1, "evil", name),
            spec,
            hostile_note(payload),
            cache_key="k",
            hit=False,
        )
        await store.fail(
            NoteRef(f"uid-f{name}", 1, "evil", f"f{name}"),
            spec,
            f"ModelNotFound: model {payload[:128]} does not exist",
        )
        names += [name, f"f{name}"]
    return names


async def test_no_active_content_in_any_format(
    view: TestClient[Any, Any], hostile: list[str]
) -> None:
    pages = ["/notes?limit=200", "/changelog", "/notes?limit=200&namespace=evil"]
    pages += [f"/notes/evil/{name}" for name in hostile]
    for url in pages:
        response = await view.get(url)
        assert response.status == 200, url
        assert_inert_html(await response.text(), url)
        markdown = await view.get(url, headers={"Accept": "text/markdown"})
        assert markdown.content_type == "text/markdown", url
        assert_inert_markdown(await markdown.text(), url)
    for url in ("/notes.json?limit=200", "/api/v1/notes?limit=200", "/api/v1/notes/evil/x0"):
        response = await view.get(url)
        assert response.content_type == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        await response.json()
    feed = await view.get("/feed.atom")
    root = ET.fromstring(await feed.read())  # noqa: S314 - our own output
    for element in root.iter():
        assert element.tag.startswith("{http://www.w3.org/2005/Atom}"), element.tag
        assert element.get("type") in (None, "text"), element.tag


async def test_hostile_error_messages_are_escaped(view: TestClient[Any, Any]) -> None:
    response = await view.get("/notes", params={"format": "<script>alert(1)</script>"})
    assert response.status == 400
    assert_inert_html(await response.text(), "format error")
    response = await view.get(
        "/notes", params={"format": "<img src=x onerror=1>"}, headers={"Accept": "text/markdown"}
    )
    assert_inert_markdown(await response.text(), "format error, markdown")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("component=%00", "component"),
        ("q=a%00b", "q"),
        ("namespace=Bad_Name", "namespace"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("risk=extreme", "risk"),
        ("category=%3Cscript%3E", "category"),
        ("after=not-a-cursor!", "after"),
        ("after=bm9wZQ", "after"),
        ("colour=red", "colour"),
        ("limit=1&limit=2", "limit"),
        ("q=&q=x", "q"),
        ("q=" + "a" * 1001, "q"),
        ("version=" + "v" * 65, "version"),
        ("format=pdf", "format"),
    ],
)
async def test_bad_parameters_are_400s_naming_them_in_the_format_asked(
    view: TestClient[Any, Any], query: str, parameter: str
) -> None:
    for accept, kind in (
        ("application/json", "json"),
        ("text/html", "html"),
        ("text/markdown", "md"),
    ):
        response = await view.get(f"/notes?{query}", headers={"Accept": accept})
        assert response.status == 400, (query, await response.text())
        text = await response.text()
        assert f"{parameter}:" in text, (query, text)
        assert "Traceback" not in text
        if kind == "json":
            body = await response.json()
            assert body["error"]["status"] == 400
            assert body["error"]["message"].startswith(parameter)
        else:
            assert response.content_type == {"html": "text/html", "md": "text/markdown"}[kind]
    api = await view.get(f"/api/v1/notes?{query}" if parameter != "format" else "/api/v1/notes?x=1")
    assert api.status == 400
    assert api.content_type == "application/json"


async def test_paths_urls_and_headers(view: TestClient[Any, Any]) -> None:
    for url in ("/notes/Bad_NS/x", "/notes/ns/%00", "/api/v1/notes/ns/" + "a" * 300):
        response = await view.get(url)
        assert response.status == 400, url
    missing = await view.get("/notes/ns/missing", headers={"Accept": "application/json"})
    assert missing.status == 404
    assert (await missing.json())["error"]["message"] == "no release note recorded for ns/missing"
    unknown = await view.get("/nowhere.json")
    assert unknown.status == 404
    assert unknown.content_type == "application/json"
    started = time.perf_counter()
    long = await view.get("/notes?q=" + "a" * 9000)
    assert long.status == 400
    assert "url: over 8192 bytes" in await long.text()
    assert time.perf_counter() - started < 1
    post = await view.post("/notes")
    assert post.status == 405

    page = await view.get("/notes")
    assert page.headers["Vary"].startswith("Accept")
    assert page.headers["Server"] == "relnotes"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    for url in ("/healthz", "/readyz", "/metrics", "/feed.atom", "/api/v1/openapi.json"):
        response = await view.get(url)
        assert response.status == 200, url
        assert response.headers["Server"] == "relnotes"


async def test_no_5xx_from_odd_inputs(view: TestClient[Any, Any]) -> None:
    odd = ["%ff%fe", "%C0%80", "\u202e", "a" * 200, "'; DROP TABLE release_notes; --", "%25", ""]
    Probe = Callable[[str], Awaitable[Any]]
    probes: list[Probe] = [
        lambda v: view.get("/notes", params={"q": v}),
        lambda v: view.get("/notes", params={"component": v}),
        lambda v: view.get("/changelog", params={"version": v}),
        lambda v: view.get("/api/v1/notes", params={"after": v}),
        lambda v: view.get("/notes", headers={"Accept": v or "*/*", "If-None-Match": v}),
        lambda v: view.get("/notes", headers={"If-Modified-Since": v}),
    ]
    for value in odd:
        for probe in probes:
            response = await probe(value)
            assert response.status < 500, (value, response.status, await response.text())

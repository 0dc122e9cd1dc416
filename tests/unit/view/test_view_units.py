"""The view's pure pieces: content negotiation, cursors, inline Markdown, changelog grouping."""

from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import make_mocked_request

from relnotes.models.errors import InvalidRequest
from relnotes.services.catalog import decode_cursor, encode_cursor
from relnotes.storage.note_pages import NoteSummary
from relnotes.view.documents import changelog_markdown, releases
from relnotes.view.markup import human_time, inline_markdown
from relnotes.view.negotiation import choose_format, split_suffix
from relnotes.view.responses import PageCache, Rendered


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", "json"),
        ("text/html;q=0.1, application/json", "json"),
        ("application/json;q=0.2, text/markdown;q=0.9", "md"),
        ("text/markdown;q=0, */*", "html"),
        ("*/*;q=0.5, application/json;q=0.5", "json"),
        ("image/png", "html"),
        ("application/json;q=nonsense, text/markdown", "md"),
        ("", "html"),
    ],
)
def test_accept_q_values(accept: str, expected: str) -> None:
    request = make_mocked_request("GET", "/notes", headers={"Accept": accept})
    assert choose_format(request) == expected


def test_suffix_and_format_parameter() -> None:
    assert split_suffix("cache.md") == ("cache", "md")
    assert split_suffix("cache.json") == ("cache", "json")
    assert split_suffix(".md") == (".md", None)
    request = make_mocked_request("GET", "/notes?format=pdf")
    with pytest.raises(InvalidRequest, match="format: must be one of"):
        choose_format(request)


def test_cursors_round_trip_and_reject_forgeries() -> None:
    key = (datetime(2026, 12, 2, 6, 15, 0, 123456, tzinfo=UTC), 42)
    assert decode_cursor(encode_cursor(key), "after") == key
    for forged in ("!!", "bm9wZQ", encode_cursor(key)[:-3]):
        with pytest.raises(InvalidRequest, match="after: not a cursor"):
            decode_cursor(forged, "after")


def test_inline_markdown_keeps_code_and_drops_active_content() -> None:
    assert str(inline_markdown("Run `redis-cli PING` now.")) == (
        "Run <code>redis-cli PING</code> now."
    )
    hostile = '<img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href="data:x">y</a>'
    rendered = str(inline_markdown(hostile))
    assert "<img" not in rendered
    assert "<a " not in rendered  # the link to javascript: is dropped, the raw tag is text
    link = str(inline_markdown("[docs](https://example.com/a)"))
    assert 'href="https://example.com/a"' in link
    assert 'rel="nofollow noopener noreferrer"' in link


def test_human_time_shows_the_iso_time_on_hover() -> None:
    moment = datetime(2026, 12, 2, 6, 15, 7, 999, tzinfo=UTC)
    assert str(human_time(moment)) == (
        '<time datetime="2026-12-02T06:15:07+00:00" title="2026-12-02T06:15:07+00:00">'
        "2 Dec 2026, 06:15 UTC</time>"
    )


def _note(name: str, version: str | None, category: str, day: int) -> NoteSummary:
    moment = datetime(2026, 11, day, tzinfo=UTC)
    return NoteSummary(
        id=day, uid=name, generation=1, namespace="ns", name=name, phase="Ready",
        component=None, environment=None, version=version, category=category, risk="low",
        release_note=f"Changed {name}.", change_summary="x", error=None,
        created_at=moment, updated_at=moment,
    )  # fmt: skip


def test_changelog_groups_by_version_newest_first_then_category() -> None:
    notes = [
        _note("a", "1.9.0", "dns", 1),
        _note("b", "1.10.0", "cache", 2),
        _note("c", None, "cache", 3),
        _note("d", "1.10.0", "database", 4),
    ]
    groups = releases(notes)
    assert [g.version for g in groups] == [None, "1.10.0", "1.9.0"]
    assert [c for c, _ in groups[1].categories] == ["cache", "database"]
    text = changelog_markdown(groups)
    assert "## [Unreleased]" in text
    assert "## [1.10.0] - 2026-11-04" in text
    assert text.index("[1.10.0]") < text.index("[1.9.0]")
    assert "### Database\n\n- Changed d. (ns/d)" in text


def test_the_page_cache_keeps_pages_only_while_changes_are_heard() -> None:
    cache = PageCache(max_entries=2)
    page = Rendered.text("<p>x</p>", "text/html")
    cache.put("a", page, cache.epoch)
    assert cache.get("a") is None  # no listener: a kept page could never be invalidated
    cache.listening = True
    epoch = cache.epoch
    cache.clear()  # a write landed while "b" was rendering
    cache.put("b", page, epoch)
    assert cache.get("b") is None
    for key in ("c", "d", "e"):
        cache.put(key, page, cache.epoch)
    assert [cache.get(k) is not None for k in ("c", "d", "e")] == [False, True, True]
    cache.listening = False  # the listener dropped: what is kept is still served
    assert cache.get("e") is page


def test_a_page_travels_to_another_replica_unchanged() -> None:
    """What one replica writes to Redis another reads back as the same page (same ETag)."""
    modified = datetime(2026, 12, 2, 9, 30, 1, 123456, tzinfo=UTC)
    for page in (
        Rendered.text("<p>ünïcode\nlines\n</p>", "text/html", modified),
        Rendered(b"", "application/json", None, status=404),
    ):
        back = Rendered.unpacked(page.packed())
        assert (back.body, back.content_type, back.status) == (
            page.body,
            page.content_type,
            page.status,
        )
        assert (back.etag, back.last_modified, back.headers) == (
            page.etag,
            page.last_modified,
            page.headers,
        )
    for foreign in (b"", b"not a page", b"200\ntext/html\nyesterday\nbody"):
        with pytest.raises(ValueError, match=r"unpack|isoformat"):
            Rendered.unpacked(foreign)

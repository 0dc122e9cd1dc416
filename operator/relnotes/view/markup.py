"""Text from users and models, made safe for HTML: Markdown through markdown-it-py, then nh3.

markdown-it-py runs with raw HTML off, so ``<script>`` in a note is text, not a tag; nh3 (the
ammonia sanitiser) then keeps only the inline tags a note uses and only http(s) links, so
whatever slips through the Markdown stage (``javascript:`` links, event attributes) is removed.
The Jinja2 environment autoescapes everything else by construction. Both filters are pure and
memoised: an index re-rendered after a write shows mostly the same notes and times.
"""

from datetime import UTC, datetime
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

__all__ = ["human_time", "inline_markdown"]

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_TAGS = {"code", "em", "strong", "a", "br"}
_ATTRIBUTES = {"a": {"href"}}
_SCHEMES = {"http", "https"}


@lru_cache(maxsize=8192)
def inline_markdown(text: str | None) -> Markup:
    """``text`` as inline HTML: `code`, *emphasis* and http(s) links, nothing active."""
    if not text:
        return Markup("")
    rendered = _PARSER.renderInline(text)
    clean = nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


@lru_cache(maxsize=8192)
def human_time(moment: datetime | None) -> Markup:
    """A ``<time>`` reading "2 Dec 2026, 06:15 UTC", with the exact ISO time on hover."""
    if moment is None:
        return Markup("")
    utc = moment.astimezone(UTC)
    exact = escape(utc.isoformat(timespec="seconds"))
    label = escape(f"{utc.day} {utc:%b %Y, %H:%M} UTC")
    return Markup(f'<time datetime="{exact}" title="{exact}">{label}</time>')  # noqa: S704

"""Jinja2 (through aiohttp-jinja2) with autoescaping, the stylesheet, and the CSP that allows it.

The stylesheet is inlined (no external assets, one request per page) and allowed by its hash,
so the Content-Security-Policy needs neither ``'unsafe-inline'`` nor any source but this page.
"""

import base64
import hashlib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import aiohttp_jinja2
import jinja2
from aiohttp import web
from markupsafe import Markup

from relnotes.models.result import Category, Risk
from relnotes.services.catalog import NoteQuery
from relnotes.storage.note_pages import NoteSummary
from relnotes.view.markup import human_time, inline_markdown

__all__ = ["render_html", "security_headers", "setup_templates"]

_FORM_FIELDS = ("q", "namespace", "component", "environment", "version", "category", "risk")


def _stylesheet() -> str:
    return (resources.files("relnotes.view") / "templates" / "style.css").read_text("utf-8")


@lru_cache(maxsize=1)
def security_headers() -> dict[str, str]:
    """Headers on every answer. The CSP allows nothing but this page's own stylesheet (by its
    hash), images and forms of this origin, and no framing; ``Server`` names no version."""
    digest = base64.b64encode(hashlib.sha256(_stylesheet().encode()).digest()).decode()
    policy = (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "Server": "relnotes",
    }


def setup_templates(app: web.Application) -> None:
    """Attach the template environment to ``app``."""
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("relnotes.view", "templates"),
        autoescape=True,
        auto_reload=False,  # templates ship in the package: no stat() of each one per render
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["inline_markdown"] = inline_markdown
    environment.filters["human_time"] = human_time
    item = environment.get_template("note_item.html")
    form = environment.get_template("filters.html")

    @lru_cache(maxsize=8192)
    def note_item(note: NoteSummary) -> str:
        """One index entry; a row that did not change renders once (the row is its key)."""
        return item.render(note=note)

    def note_items(notes: Sequence[NoteSummary]) -> Markup:
        """The index's entries, joined once (not escaped and wrapped one by one in the loop)."""
        return Markup("".join(map(note_item, notes)))  # noqa: S704 - autoescaped templates

    @lru_cache(maxsize=256)
    def form_for(action: str, values: tuple[str | None, ...]) -> Markup:
        """The filter form showing ``values``: drawn once per set of filters, not per page."""
        fields = dict(zip(_FORM_FIELDS, values, strict=True))
        return Markup(form.render(action=action, form=fields))  # noqa: S704 - autoescaped

    def filter_form(action: str, query: NoteQuery) -> Markup:
        """The filter and search form of ``action``, filled in with ``query``'s filters."""
        values = tuple(getattr(query, name) for name in _FORM_FIELDS)
        return form_for(action, tuple(getattr(v, "value", v) for v in values))

    environment.filters["note_items"] = note_items
    environment.globals["filter_form"] = filter_form
    environment.globals["style"] = Markup(_stylesheet())  # noqa: S704 - our own file
    environment.globals["categories"] = [c.value for c in Category]
    environment.globals["risks"] = [r.value for r in Risk]


def render_html(request: web.Request, template: str, context: dict[str, object]) -> str:
    """``template`` rendered with ``context`` (every value autoescaped)."""
    return aiohttp_jinja2.render_string(template, request, context)

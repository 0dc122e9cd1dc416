"""Jinja2 (through aiohttp-jinja2) with autoescaping, the stylesheet, and the CSP that allows it.

The stylesheet is inlined (no external assets, one request per page) and allowed by its hash,
so the Content-Security-Policy needs neither ``'unsafe-inline'`` nor any source but this page.
"""

import base64
import hashlib
from functools import lru_cache
from importlib import resources

import aiohttp_jinja2
import jinja2
from aiohttp import web
from markupsafe import Markup

from relnotes.models.result import Category, Risk
from relnotes.storage.note_pages import NoteSummary
from relnotes.view.markup import human_time, inline_markdown

__all__ = ["render_html", "security_headers", "setup_templates"]


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

    @lru_cache(maxsize=8192)
    def note_item(note: NoteSummary) -> Markup:
        """One index entry; a row that did not change renders once (the row is its key)."""
        return Markup(item.render(note=note))  # noqa: S704 - an autoescaped template

    environment.filters["note_item"] = note_item
    environment.globals["style"] = Markup(_stylesheet())  # noqa: S704 - our own file
    environment.globals["categories"] = [c.value for c in Category]
    environment.globals["risks"] = [r.value for r in Risk]


def render_html(request: web.Request, template: str, context: dict[str, object]) -> str:
    """``template`` rendered with ``context`` (every value autoescaped)."""
    return aiohttp_jinja2.render_string(template, request, context)

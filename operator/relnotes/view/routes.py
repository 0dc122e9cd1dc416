"""The view's pages: index, note, changelog, feed, probes and metrics; thin, one catalog call each.

Each page is HTML by default and Markdown or JSON by a ``.md``/``.json`` suffix, ``?format=`` or
``Accept`` (``negotiation``); every format is rendered from the same catalog result.
"""

import json
from datetime import datetime

from aiohttp import web

from relnotes.services.catalog import FEED_SIZE, NoteDetail, NotePage, NoteQuery
from relnotes.view.api_models import HistoryItem, NoteDocument, NoteItem, NoteList
from relnotes.view.context import VIEW
from relnotes.view.documents import (
    changelog_markdown,
    index_markdown,
    note_page_markdown,
    releases,
)
from relnotes.view.feed import atom_feed
from relnotes.view.handling import (
    cached,
    checked_name,
    drawn_page,
    page_url,
    parse_query,
    serve,
)
from relnotes.view.negotiation import FORMAT_KEY, MEDIA_TYPES, choose_format, split_suffix
from relnotes.view.responses import Rendered
from relnotes.view.templating import render_html

__all__ = ["list_json", "note_json", "routes"]

routes = web.RouteTableDef()
_SUFFIX = r"{suffix:(\.md|\.json)?}"


def _format(request: web.Request, suffix: str | None = None) -> str:
    if suffix is None:
        suffix = {".md": "md", ".json": "json"}.get(request.match_info.get("suffix", ""))
    fmt = choose_format(request, suffix)
    request[FORMAT_KEY] = fmt
    return fmt


def _newest(*moments: datetime | None) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


def _page_modified(page: NotePage) -> datetime | None:
    return _newest(*(note.updated_at for note in page.items))


def _note_modified(detail: NoteDetail) -> datetime | None:
    return _newest(detail.row.updated_at, *(entry.updated_at for entry in detail.history))


def list_json(request: web.Request, page: NotePage) -> Rendered:
    """A page as the API's ``NoteList`` (``/notes.json``, ``/api/v1/notes``)."""
    document = NoteList(
        items=[NoteItem.of(note) for note in page.items],
        next=page_url(request, after=page.next) if page.next else None,
        previous=page_url(request, before=page.previous) if page.previous else None,
    )
    body = document.model_dump_json(by_alias=True)
    return Rendered.text(body, MEDIA_TYPES["json"], _page_modified(page))


def note_json(detail: NoteDetail) -> Rendered:
    """A note as the API's ``NoteDocument`` (``/notes/ns/name.json``, ``/api/v1/notes/ns/name``)."""
    document = NoteDocument(
        note=detail.row.model_dump(mode="json", by_alias=True),
        history=[HistoryItem.of(entry) for entry in detail.history],
        deleted=detail.row.deleted_at is not None,
    )
    body = document.model_dump_json(by_alias=True)
    return Rendered.text(body, MEDIA_TYPES["json"], _note_modified(detail))


@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    """The index lives at /notes."""
    raise web.HTTPFound("/notes")


@routes.get("/notes" + _SUFFIX)
async def list_notes(request: web.Request) -> web.Response:
    """One entry per ReleaseNote, newest first, filtered, searched and paged."""
    fmt = _format(request)
    if (hit := await cached(request)) is not None:
        return hit
    query = parse_query(request)

    def draw(page: NotePage) -> Rendered:
        if fmt == "json":
            return list_json(request, page)
        modified = _page_modified(page)
        if fmt == "md":
            return Rendered.text(index_markdown(page), MEDIA_TYPES["md"], modified)
        links = {
            "next": page_url(request, after=page.next) if page.next else None,
            "previous": page_url(request, before=page.previous) if page.previous else None,
        }
        html = render_html(request, "index.html", {"page": page, "query": query, "links": links})
        return Rendered.text(html, MEDIA_TYPES["html"], modified)

    async def render() -> Rendered:
        page = await request.app[VIEW].catalog.browse(query)
        return drawn_page(request, page, lambda: draw(page))

    return await serve(request, render)


@routes.get("/notes/{namespace}/{name}")
async def show_note(request: web.Request) -> web.Response:
    """One note: text, scenarios, metadata, provenance, history, deleted marker.

    A trailing ``.md``/``.json`` is a format suffix, so a ReleaseNote named ``x.json`` is read
    as ``x.json.json`` (or ``x.json?format=json``).
    """
    name, suffix = split_suffix(request.match_info["name"])
    fmt = _format(request, suffix)
    if (hit := await cached(request)) is not None:
        return hit
    namespace = checked_name(request.match_info["namespace"], "namespace")
    name = checked_name(name, "name")
    parse_query(request)  # no parameters but format: anything else is a 400

    async def render() -> Rendered:
        detail = await request.app[VIEW].catalog.note(namespace, name)
        if fmt == "json":
            return note_json(detail)
        row, modified = detail.row, _note_modified(detail)
        if fmt == "md":
            return Rendered.text(note_page_markdown(detail), MEDIA_TYPES["md"], modified)
        links = [str(link) for link in row.spec.links if link.scheme in ("http", "https")]
        context = {"row": row, "history": detail.history, "safe_links": links}
        return Rendered.text(render_html(request, "note.html", context), "text/html", modified)

    return await serve(request, render)


@routes.get("/changelog" + _SUFFIX)
async def changelog(request: web.Request) -> web.Response:
    """Keep-a-Changelog: by version, newest first, then category; same filters as the index."""
    fmt = _format(request)
    if (hit := await cached(request)) is not None:
        return hit
    query = parse_query(request, ignore=("format", "limit", "after", "before"))

    async def render() -> Rendered:
        notes = await request.app[VIEW].catalog.newest(query)
        groups = releases(notes)
        modified = _newest(*(note.updated_at for note in notes))
        if fmt == "md":
            return Rendered.text(changelog_markdown(groups), MEDIA_TYPES["md"], modified)
        if fmt == "json":
            body = json.dumps([release.as_json() for release in groups])
            return Rendered.text(body, MEDIA_TYPES["json"], modified)
        html = render_html(request, "changelog.html", {"releases": groups, "query": query})
        return Rendered.text(html, MEDIA_TYPES["html"], modified)

    return await serve(request, render)


@routes.get("/feed.atom")
async def feed(request: web.Request) -> web.Response:
    """The newest notes as Atom."""
    view = request.app[VIEW]
    base = view.base_url or f"{request.scheme}://{request.host}"
    if (hit := await cached(request, vary=base)) is not None:
        return hit
    parse_query(request, ignore=())

    async def render() -> Rendered:
        notes = await view.catalog.newest(NoteQuery(), size=FEED_SIZE)
        modified = _newest(*(note.updated_at for note in notes))
        return Rendered(atom_feed(notes, base), "application/atom+xml; charset=utf-8", modified)

    return await serve(request, render, vary=base)

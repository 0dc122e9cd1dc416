"""The view's routes: read-only, thin, one catalog call each, in HTML, Markdown or JSON.

The format comes from ``?format=html|md|json`` or else the Accept header, so a browser, ``curl``
and a script each get what they expect from the same URL.
"""

import json

from aiohttp import web
from pydantic import ValidationError

from relnotes.models.errors import InvalidRequest, StoreUnavailable
from relnotes.models.result import GeneratedNote
from relnotes.services.catalog import NoteQuery
from relnotes.services.manifests import describe_errors
from relnotes.services.rendering import note_markdown
from relnotes.storage.note_rows import NoteRow
from relnotes.view.context import VIEW
from relnotes.view.pages import index_page, note_page

__all__ = ["routes"]

routes = web.RouteTableDef()
_FORMATS = ("html", "md", "json")


def _format(request: web.Request) -> str:
    wanted = request.query.get("format")
    if wanted is not None:
        if wanted not in _FORMATS:
            raise InvalidRequest(f"format: must be one of html, md, json (got {wanted[:20]!r})")
        return wanted
    accept = request.headers.get("Accept", "")
    if "application/json" in accept:
        return "json"
    return "md" if "text/markdown" in accept else "html"


def _markdown(row: NoteRow) -> str:
    title = f"{row.namespace}/{row.name}"
    if row.draft is None or row.provenance is None:
        return f"## {title}\n\n{row.phase}: {row.error or 'no note yet'}\n"
    return note_markdown(title, row.spec, GeneratedNote(draft=row.draft, provenance=row.provenance))


def _json(payload: object) -> web.Response:
    return web.Response(text=json.dumps(payload, indent=2), content_type="application/json")


def _markdown_response(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/markdown")


@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    """The index lives at /notes."""
    raise web.HTTPFound("/notes")


@routes.get("/notes")
async def list_notes(request: web.Request) -> web.Response:
    """Notes newest first, filtered by namespace, component, version; paged by ``before``."""
    fmt = _format(request)
    try:
        query = NoteQuery.model_validate({k: v for k, v in request.query.items() if k != "format"})
    except ValidationError as error:
        raise InvalidRequest("; ".join(describe_errors(error))) from error
    rows = await request.app[VIEW].catalog.browse(query)
    if fmt == "json":
        return _json({"items": [row.model_dump(mode="json", by_alias=True) for row in rows]})
    if fmt == "md":
        return _markdown_response("\n".join(_markdown(row) for row in rows))
    return web.Response(text=index_page(rows), content_type="text/html")


@routes.get("/notes/{namespace}/{name}")
async def show_note(request: web.Request) -> web.Response:
    """The newest note of one ReleaseNote."""
    fmt = _format(request)
    row = await request.app[VIEW].catalog.note(
        request.match_info["namespace"], request.match_info["name"]
    )
    if fmt == "json":
        return _json(row.model_dump(mode="json", by_alias=True))
    if fmt == "md":
        return _markdown_response(_markdown(row))
    return web.Response(text=note_page(row), content_type="text/html")


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """Liveness: the event loop answers."""
    return _json({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """Readiness: Postgres answers, so pages can be served."""
    try:
        await request.app[VIEW].store.ping()
    except StoreUnavailable as error:
        return web.json_response({"status": "unavailable", "reason": error.message}, status=503)
    return _json({"status": "ready"})

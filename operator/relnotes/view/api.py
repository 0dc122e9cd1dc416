"""``/api/v1``: the notes as JSON for scripts, described by OpenAPI 3.1 at ``/api/v1/openapi.json``.

The same catalog calls and JSON models as the pages' ``.json`` format; only the paths differ, so
a script can rely on a versioned URL while the pages are free to change.
"""

import json

from aiohttp import web

from relnotes.view.api_models import openapi_document
from relnotes.view.context import VIEW
from relnotes.view.handling import cached, checked_name, drawn_page, parse_query, serve
from relnotes.view.negotiation import FORMAT_KEY, MEDIA_TYPES
from relnotes.view.responses import Rendered
from relnotes.view.routes import list_json, note_json

__all__ = ["api_routes"]

api_routes = web.RouteTableDef()


@api_routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of this API."""
    request[FORMAT_KEY] = "json"
    return await cached(request) or await serve(request, _openapi)


async def _openapi() -> Rendered:
    return Rendered.text(json.dumps(openapi_document(), indent=2), MEDIA_TYPES["json"])


@api_routes.get("/api/v1/notes")
async def api_notes(request: web.Request) -> web.Response:
    """A page of notes (``NoteList``)."""
    request[FORMAT_KEY] = "json"
    if (hit := await cached(request)) is not None:
        return hit
    query = parse_query(request, ignore=())

    async def render() -> Rendered:
        page = await request.app[VIEW].catalog.browse(query)
        return drawn_page(request, page, lambda: list_json(request, page))

    return await serve(request, render)


@api_routes.get("/api/v1/notes/{namespace}/{name}")
async def api_note(request: web.Request) -> web.Response:
    """One note with its history (``NoteDocument``)."""
    request[FORMAT_KEY] = "json"
    if (hit := await cached(request)) is not None:
        return hit
    namespace = checked_name(request.match_info["namespace"], "namespace")
    name = checked_name(request.match_info["name"], "name")
    parse_query(request, ignore=())

    async def render() -> Rendered:
        return note_json(await request.app[VIEW].catalog.note(namespace, name))

    return await serve(request, render)

"""What every route does the same way: serve from the page cache, or read the query and render.

``cached`` looks the page up under its URL and negotiated format (a hit answers while Postgres is
down: that is the point of the cache); ``serve`` renders through the circuit breaker, so an
outage answers at once, and keeps the result unless a note changed meanwhile.
"""

import re
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from aiohttp import web
from pydantic import ValidationError

from relnotes.models.errors import InvalidRequest
from relnotes.services.catalog import NAME_PATTERN, NotePage, NoteQuery
from relnotes.services.manifests import describe_errors
from relnotes.view.context import VIEW
from relnotes.view.negotiation import FORMAT_KEY
from relnotes.view.responses import Rendered, respond

__all__ = ["cached", "checked_name", "drawn_page", "page_url", "parse_query", "serve"]

_NAME = re.compile(NAME_PATTERN)
_MAX_VALUE = 1000
_MAX_DRAWINGS = 256
_GENERATION = web.RequestKey("shared_generation", str)  # see cached, serve


def parse_query(request: web.Request, *, ignore: tuple[str, ...] = ("format",)) -> NoteQuery:
    """The query string as a ``NoteQuery``; a 400 naming the first bad parameter otherwise."""
    values: dict[str, str] = {}
    seen: set[str] = set()
    for key, value in request.query.items():
        label = key[:40]
        if key in ignore:
            continue
        if key in seen:
            raise InvalidRequest(f"{label}: given more than once")
        seen.add(key)
        if len(value) > _MAX_VALUE:
            raise InvalidRequest(f"{label}: longer than {_MAX_VALUE} characters")
        if value != "":  # a filter form submits its empty fields
            values[key] = value
    try:
        return NoteQuery.model_validate(values)
    except ValidationError as error:
        raise InvalidRequest("; ".join(describe_errors(error))) from error


def checked_name(value: str, parameter: str) -> str:
    """A Kubernetes object name from the path, or a 400 naming ``parameter``."""
    if not _NAME.match(value):
        raise InvalidRequest(f"{parameter}: must be a Kubernetes name ([a-z0-9.-], 1-253 chars)")
    return value


def page_url(request: web.Request, **changes: str) -> str:
    """This URL with the paging cursors replaced by ``changes``."""
    kept = [(k, v) for k, v in request.query.items() if k not in ("after", "before") and v]
    return f"{request.path}?{urlencode([*kept, *changes.items()])}"


def drawn_page(request: web.Request, page: NotePage, draw: Callable[[], Rendered]) -> Rendered:
    """``draw()``, or what it gave before for the same rows and neighbours at this path, format
    and filters: a listing is a function of them, and a cursor names a position, not content.

    The URL-keyed cache is emptied at every write; this one needs no emptying (changed rows are
    new content), so after a write a listing costs its query but is drawn again only if its rows
    changed.
    """
    drawings = request.app[VIEW].drawings
    kept = tuple(item for item in request.query.items() if item[0] not in ("after", "before"))
    key = (request.get(FORMAT_KEY), request.path, kept, page.next, page.previous, *page.items)
    drawn = drawings.get(key)
    if drawn is None:
        drawn = drawings[key] = draw()
        if len(drawings) > _MAX_DRAWINGS:
            del drawings[next(iter(drawings))]  # the oldest drawn
    return drawn


def _key(request: web.Request, vary: str) -> str:
    # The URL as sent (no parsing): another spelling of the same URL is merely another entry.
    return f"{request.get(FORMAT_KEY, '')}|{vary}|{request.raw_path}"


async def cached(request: web.Request, *, vary: str = "") -> web.Response | None:
    """The cached page for this URL and format, if any: checked before the query string is
    validated, since only a valid URL was ever stored. This process' cache first, then the
    replicas' (Redis, where configured)."""
    view = request.app[VIEW]
    key = _key(request, vary)
    page = view.cache.get(key)
    if page is None and view.shared is not None:
        page, generation = await view.shared.get(key)
        if generation is not None:
            request[_GENERATION] = generation
        if page is not None:
            view.metrics.shared_cache_hits.inc()
    if page is None:
        return None
    view.metrics.cache_hits.inc()
    return respond(request, page)


async def serve(
    request: web.Request, render: Callable[[], Awaitable[Rendered]], *, vary: str = ""
) -> web.Response:
    """Render this URL's page (through the breaker) and keep it unless a note changed meanwhile."""
    view = request.app[VIEW]
    key = _key(request, vary)
    epoch = view.cache.epoch
    page = await view.breaker.call(render)
    view.cache.put(key, page, epoch)
    generation = request.get(_GENERATION)
    if view.shared is not None and generation is not None:
        await view.shared.put(key, page, generation, epoch)
    return respond(request, page)

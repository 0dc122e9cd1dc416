"""The view application: routes, context, security headers, metrics, and errors in any format.

Every error (a bad parameter, a missing note, Postgres down, an unknown path) is answered in
the format the request asked for (JSON, Markdown or HTML), with its message escaped by that
format's renderer, and no input makes it answer 5xx except a dependency that is down (503).
"""

import logging
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from aiohttp import web
from aiohttp.typedefs import Middleware

from relnotes.config import Settings
from relnotes.models.errors import RelnotesError, StoreUnavailable
from relnotes.services.rendering import escape_markdown
from relnotes.view.api import api_routes
from relnotes.view.api_models import ErrorBody, ErrorDetail
from relnotes.view.context import VIEW, ViewContext, view_context
from relnotes.view.negotiation import FORMAT_KEY, MEDIA_TYPES, choose_format, split_suffix
from relnotes.view.probes import probe_routes
from relnotes.view.routes import routes
from relnotes.view.templating import render_html, security_headers, setup_templates

__all__ = ["MAX_URL", "build_app"]

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_URL = 8192


def _error_format(request: web.Request) -> str:
    """The format an error goes out in: what the route chose, else what the URL or Accept say."""
    chosen: str | None = request.get(FORMAT_KEY)
    if chosen is not None:
        return chosen
    if request.path.startswith("/api/"):
        return "json"
    suffix = split_suffix(request.path)[1]
    try:
        return choose_format(request, suffix)
    except RelnotesError:  # the bad ?format= itself: answer by Accept
        return choose_format(request.clone(rel_url=request.rel_url.with_query(None)))


def error_response(request: web.Request, status: int, code: str, message: str) -> web.Response:
    """An error page in the request's format."""
    reason = HTTPStatus(status).phrase
    fmt = _error_format(request)
    if fmt == "json":
        body = ErrorBody(error=ErrorDetail(status=status, code=code, message=message))
        text, media = body.model_dump_json(), MEDIA_TYPES["json"]
    elif fmt == "md":
        text, media = f"# {status} {reason}\n\n{escape_markdown(message)}\n", MEDIA_TYPES["md"]
    else:
        context = {"status": status, "reason": reason, "message": message}
        text, media = render_html(request, "error.html", context), MEDIA_TYPES["html"]
    return web.Response(status=status, text=text, content_type=media, headers={"Vary": "Accept"})


def _route(request: web.Request) -> str:
    info = request.match_info
    resource = info.route.resource if info.http_exception is None else None
    return resource.canonical if resource is not None else "unmatched"


def _http_error(request: web.Request, error: web.HTTPException) -> web.Response:
    """aiohttp's own 4xx (no route, wrong method, URL too long) in the request's format."""
    if error.status == 414:
        return error_response(request, 400, "invalid_request_error", f"url: over {MAX_URL} bytes")
    messages = {404: "no such page", 405: f"method {request.method[:10]} not allowed"}
    code = error.reason.lower().replace(" ", "_")
    return error_response(request, error.status, code, messages.get(error.status, error.reason))


def _middleware(headers: dict[str, str]) -> Middleware:
    @web.middleware
    async def view_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Bounds, errors in the asked format, security headers, metrics."""
        started = time.perf_counter()
        response: web.StreamResponse
        try:
            if len(request.raw_path) > MAX_URL:
                raise web.HTTPRequestURITooLong(reason="URL Too Long")
            response = await handler(request)
        except RelnotesError as error:
            if isinstance(error, StoreUnavailable):
                request.app[VIEW].metrics.store_errors.inc()
            response = error_response(request, error.status, error.code, error.message)
            if error.retryable:
                response.headers["Retry-After"] = "5"
        except web.HTTPException as error:
            if error.status < 400:
                error.headers.update(headers)
                raise
            response = _http_error(request, error)
        except Exception:
            log.exception("view request failed", extra={"path": request.path[:200]})
            response = error_response(request, 500, "internal_error", "internal error")
        if response.status != 304 and "Content-Security-Policy" not in response.headers:
            response.headers.update(headers)
        request.app[VIEW].metrics.observe(_route(request), response.status, started)
        return response

    return view_middleware


def build_app(settings: Settings, context: ViewContext | None = None) -> web.Application:
    """A view app for ``settings``; Postgres is reached when the app starts.

    ``context`` replaces the Postgres-backed one (a test or the exporter brings its own pool).
    URLs up to 32 KB reach the middleware, which answers one over ``MAX_URL`` with a clean 400.
    """
    app = web.Application(
        middlewares=[_middleware(security_headers())],
        handler_args={"max_line_size": 32768, "max_field_size": 16384},
    )
    setup_templates(app)
    if context is None:
        app.cleanup_ctx.append(view_context(settings))
    else:
        app[VIEW] = context
    app.add_routes(routes)
    app.add_routes(api_routes)
    app.add_routes(probe_routes)
    return app

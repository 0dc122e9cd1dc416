"""The view application: routes, context, security headers and error pages."""

from collections.abc import Awaitable, Callable

from aiohttp import web

from relnotes.config import Settings
from relnotes.models.errors import RelnotesError
from relnotes.view.context import VIEW, ViewContext, view_context
from relnotes.view.pages import CONTENT_SECURITY_POLICY
from relnotes.view.routes import routes

__all__ = ["build_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


@web.middleware
async def read_only_safety(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Security headers on every response; domain errors become plain-text HTTP errors."""
    try:
        response = await handler(request)
    except RelnotesError as error:
        response = web.Response(status=error.status, text=f"{error.message}\n")
        if error.retryable:
            response.headers["Retry-After"] = "5"
    except web.HTTPException as error:
        error.headers.update(_HEADERS)
        raise
    response.headers.update(_HEADERS)
    return response


def build_app(settings: Settings, context: ViewContext | None = None) -> web.Application:
    """A view app for ``settings``; Postgres is reached when the app starts.

    ``context`` replaces the Postgres-backed context (tests serve rows from memory).
    """
    app = web.Application(middlewares=[read_only_safety])
    if context is None:
        app.cleanup_ctx.append(view_context(settings))
    else:
        app[VIEW] = context
    app.add_routes(routes)
    return app

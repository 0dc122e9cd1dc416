"""The model-service application: routes, context and the 404/405 handling in OpenAI's shape."""

from collections.abc import Awaitable, Callable

from aiohttp import web

from relnotes.config import Settings
from relnotes.modelservice.context import service_context
from relnotes.modelservice.protocol import error_body
from relnotes.modelservice.routes import routes

__all__ = ["build_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY = 256 * 1024


@web.middleware
async def openai_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unknown paths, wrong methods and oversized bodies answer in OpenAI's error shape."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        kind = "invalid_request_error" if error.status < 500 else "api_error"
        body = error_body(
            f"{request.method} {request.path}: {error.reason}", kind, str(error.status)
        )
        return web.json_response(body, status=error.status)


def build_app(settings: Settings) -> web.Application:
    """A model-service app for ``settings``; engines are built when the app starts."""
    app = web.Application(middlewares=[openai_errors], client_max_size=MAX_BODY)
    app.cleanup_ctx.append(service_context(settings))
    app.add_routes(routes)
    return app

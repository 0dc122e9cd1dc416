"""The model-service application: routes, context, bearer auth and OpenAI-shaped 4xx.

With ``RELNOTES_MODEL_SERVICE_API_KEY`` (or ``_FILE``) set, every path but the probes and the
metrics needs ``Authorization: Bearer <key>``: a 401 in OpenAI's shape otherwise, the key
compared in constant time. Without one the service is open (a NetworkPolicy is then the guard).
"""

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from relnotes.config import Settings
from relnotes.modelservice.context import service_context
from relnotes.modelservice.protocol import error_body
from relnotes.modelservice.routes import routes

__all__ = ["OPEN_PATHS", "build_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY = 256 * 1024
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


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


def bearer_auth(key: str) -> Middleware:
    """A middleware that answers 401 unless the request carries ``Bearer <key>``."""
    expected = f"Bearer {key}".encode()

    @web.middleware
    async def auth(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in OPEN_PATHS:
            return await handler(request)
        given = request.headers.get("Authorization", "").encode()
        if hmac.compare_digest(given, expected):
            return await handler(request)
        message = (
            "Incorrect API key provided."
            if given
            else "You didn't provide an API key: send 'Authorization: Bearer <key>'."
        )
        body = error_body(message, "invalid_request_error", "invalid_api_key")
        return web.json_response(body, status=401, headers={"WWW-Authenticate": "Bearer"})

    return auth


def build_app(settings: Settings) -> web.Application:
    """A model-service app for ``settings``; engines are built when the app starts."""
    middlewares: list[Middleware] = [openai_errors]
    if settings.model_service_api_key is not None:
        middlewares.append(bearer_auth(settings.model_service_api_key.get_secret_value()))
    app = web.Application(middlewares=middlewares, client_max_size=MAX_BODY)
    app.cleanup_ctx.append(service_context(settings))
    app.add_routes(routes)
    return app

"""The model-service's routes: thin handlers over the completion service.

Every failure leaves as an OpenAI-shaped error with a status the SDK understands: 400 for a
request that breaks a rule (naming the field and the limit), 404 for an unknown model, 502 for a
reply that failed validation, 503 (with Retry-After when known) for an upstream outage.
"""

import json
import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import ValidationError
from pydantic_core import to_json

from relnotes.models.chat import ChatRequest
from relnotes.models.errors import InvalidRequest, RelnotesError
from relnotes.modelservice.context import SERVICE
from relnotes.modelservice.protocol import completion_body, error_body, stream_chunks

__all__ = ["routes"]

routes = web.RouteTableDef()


def _request_error(error: ValidationError) -> InvalidRequest:
    first = error.errors()[0]
    if first["type"] == "json_invalid":
        return InvalidRequest(f"body: not valid JSON ({first['msg']})")
    if first["type"] == "model_type" and not first["loc"]:
        return InvalidRequest("body: expected a JSON object")
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return InvalidRequest(f"{where}: {first['msg']}")


def _error_response(error: RelnotesError) -> web.Response:
    kind = "invalid_request_error" if error.status < 500 else "api_error"
    headers = {"Retry-After": str(round(error.retry_after))} if error.retry_after else None
    body = error_body(error.message, kind, error.code, error.message.split(":", 1)[0])
    return web.json_response(body, status=error.status, headers=headers)


async def _parse(request: web.Request) -> ChatRequest:
    """The body as a ``ChatRequest``, parsed and validated in one pass by pydantic-core."""
    try:
        return ChatRequest.model_validate_json(await request.read())
    except ValidationError as error:
        raise _request_error(error) from error


@routes.post("/v1/chat/completions")
async def chat_completions(request: web.Request) -> web.StreamResponse:
    """``POST /v1/chat/completions``, plain or streamed."""
    context = request.app[SERVICE]
    started = time.monotonic()
    engine = "unknown"
    try:
        chat = await _parse(request)
        engine = context.completions.router.route(chat.model).name
        reply = await context.completions.complete(chat)
    except RelnotesError as error:
        context.metrics.errors.labels(engine, error.code).inc()
        context.metrics.requests.labels(engine, str(error.status)).inc()
        return _error_response(error)
    engine = reply.provider
    metrics = context.metrics
    metrics.requests.labels(engine, "200").inc()
    metrics.latency.labels(engine).observe(time.monotonic() - started)
    metrics.tokens.labels(engine, "prompt").inc(reply.usage.prompt_tokens)
    metrics.tokens.labels(engine, "completion").inc(reply.usage.completion_tokens)
    if not chat.stream:  # pydantic-core's serialiser: a quarter of json.dumps' time
        return web.Response(body=to_json(completion_body(reply)), content_type="application/json")
    stream = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await stream.prepare(request)
    for chunk in stream_chunks(reply):
        await stream.write(f"data: {json.dumps(chunk)}\n\n".encode())
    await stream.write(b"data: [DONE]\n\n")
    await stream.write_eof()
    return stream


@routes.get("/v1/models")
async def list_models(request: web.Request) -> web.Response:
    """``GET /v1/models``: every model an engine here answers."""
    names = request.app[SERVICE].completions.router.models()
    data = [{"id": name, "object": "model", "created": 0, "owned_by": "relnotes"} for name in names]
    return web.json_response({"object": "list", "data": data})


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """Liveness: the event loop answers."""
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """Readiness: engines are built and can be routed to."""
    router = request.app[SERVICE].completions.router
    return web.json_response({"status": "ready", "engines": [e.name for e in router.engines]})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Prometheus exposition of this app's registry."""
    body = generate_latest(request.app[SERVICE].metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

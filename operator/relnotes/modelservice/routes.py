"""The model-service's routes: thin handlers over the completion service.

Every failure leaves as an OpenAI-shaped error with a status the SDK understands: 400 for a
request that breaks a rule (naming the field and the limit), 404 for an unknown model, 502 for a
reply that failed validation, 503 (with Retry-After when known) for an upstream outage. An
upstream's answer (and its own 400s) goes back as the bytes it sent, with the engine's name in
``X-Relnotes-Provider``; a stream is passed on chunk by chunk as it arrives.
"""

import json
import logging
import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import ValidationError
from pydantic_core import from_json, to_json

from relnotes.models.chat import ChatReply, ChatRequest
from relnotes.models.errors import InvalidRequest, RelnotesError
from relnotes.models.result import TokenUsage
from relnotes.modelservice.context import SERVICE, ServiceContext
from relnotes.modelservice.protocol import completion_body, error_body, stream_chunks
from relnotes.services.engines.base import PROVIDER_HEADER, Forwarded

__all__ = ["routes"]

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
SSE_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}


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


def _parse(body: bytes) -> ChatRequest:
    """The body as a ``ChatRequest``, parsed and validated in one pass by pydantic-core."""
    try:
        return ChatRequest.model_validate_json(body)
    except ValidationError as error:
        raise _request_error(error) from error


def _count(context: ServiceContext, engine: str, started: float, answer: Forwarded) -> None:
    usage = answer.usage
    if usage is None and answer.status == 200:  # not parsed on the way: read it here
        try:
            usage = TokenUsage.reported(from_json(answer.body).get("usage"))
        except (ValueError, AttributeError, TypeError):  # passed on as it came
            context.metrics.errors.labels(engine, "unreadable_usage").inc()
    prompt, completion = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
    context.metrics.answered(engine, answer.status, time.monotonic() - started, prompt, completion)


def _recorded(context: ServiceContext, started: float, reply: ChatReply) -> ChatReply:
    usage = reply.usage
    context.metrics.answered(
        reply.provider,
        200,
        time.monotonic() - started,
        usage.prompt_tokens,
        usage.completion_tokens,
    )
    return reply


async def _stream_reply(request: web.Request, reply: ChatReply) -> web.StreamResponse:
    stream = web.StreamResponse(headers={**SSE_HEADERS, PROVIDER_HEADER: reply.provider})
    await stream.prepare(request)
    for chunk in stream_chunks(reply):
        await stream.write(f"data: {json.dumps(chunk)}\n\n".encode())
    await stream.write(b"data: [DONE]\n\n")
    await stream.write_eof()
    return stream


async def _streamed(
    request: web.Request, context: ServiceContext, chat: ChatRequest, body: bytes, engine: str
) -> web.StreamResponse:
    """An upstream's stream passed on as it arrives; a deterministic reply as three chunks."""
    started = time.monotonic()
    async with context.completions.stream(chat, body) as answer:
        if isinstance(answer, ChatReply):
            return await _stream_reply(request, _recorded(context, started, answer))
        headers = {**answer.headers, PROVIDER_HEADER: engine}
        headers.setdefault("Cache-Control", "no-cache")
        stream = web.StreamResponse(status=answer.status, headers=headers)
        await stream.prepare(request)
        try:
            async for chunk in answer.chunks:
                await stream.write(chunk)
        except OSError as error:  # cut off or timed out; headers are sent: all left is to stop
            log.warning("upstream stream cut off", extra={"engine": engine, "error": str(error)})
            context.metrics.errors.labels(engine, "stream_cut_off").inc()
    context.metrics.answered(engine, answer.status, time.monotonic() - started)
    await stream.write_eof()
    return stream


@routes.post("/v1/chat/completions")
async def chat_completions(request: web.Request) -> web.StreamResponse:
    """``POST /v1/chat/completions``, plain or streamed."""
    context = request.app[SERVICE]
    started = time.monotonic()
    engine = "unknown"
    try:
        body = await request.read()
        chat = _parse(body)
        engine = context.completions.router.route(chat.model).name
        if chat.stream:
            return await _streamed(request, context, chat, body, engine)
        answer = await context.completions.forward(chat, body)
    except RelnotesError as error:
        context.metrics.errors.labels(engine, error.code).inc()
        context.metrics.requests.labels(engine, str(error.status)).inc()
        return _error_response(error)
    if isinstance(answer, Forwarded):
        _count(context, engine, started, answer)
        headers = {**answer.headers, PROVIDER_HEADER: engine}
        return web.Response(body=answer.body, status=answer.status, headers=headers)
    reply = _recorded(context, started, answer)  # pydantic-core's serialiser: 1/4 of json.dumps'
    headers = {PROVIDER_HEADER: reply.provider}
    body = to_json(completion_body(reply))
    return web.Response(body=body, content_type="application/json", headers=headers)


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

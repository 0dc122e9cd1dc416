"""The openai engine against a fake upstream on 127.0.0.1: retries, timeouts, bad replies."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from relnotes.config import Settings
from relnotes.models.chat import ChatRequest
from relnotes.models.errors import InvalidOutput, ModelUnavailable, UpstreamRejected
from relnotes.services.completion import CompletionService
from relnotes.services.engines.router import build_router

ServerFactory = Callable[..., Awaitable[TestServer]]
Reply = Callable[[], web.StreamResponse | Awaitable[web.StreamResponse]]


def completion(content: str) -> web.Response:
    return web.json_response(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        }
    )


def failure(status: int, headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"message": f"upstream says {status}", "type": "server_error", "code": None}}
    return web.json_response(body, status=status, headers=headers)


class FakeUpstream:
    """Answers each POST with the next scripted reply and records what it was sent."""

    def __init__(self, *script: Reply) -> None:
        self.script = list(script)
        self.bodies: list[dict[str, Any]] = []
        self.app = web.Application()
        self.app.router.add_post("/v1/chat/completions", self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.bodies.append(await request.json())
        result = self.script.pop(0)()
        return await result if asyncio.iscoroutine(result) else result  # type: ignore[return-value]


async def start(
    factory: ServerFactory, upstream: FakeUpstream, **settings: Any
) -> CompletionService:
    server = await factory(upstream.app, host="127.0.0.1")
    config = Settings(
        openai_api_key="sk-test",
        upstream_base_url=f"http://127.0.0.1:{server.port}/v1",
        model="gpt-4o-mini",
        upstream_timeout_seconds=settings.pop("timeout", 5.0),
        upstream_max_retries=settings.pop("retries", 2),
        **settings,
    )
    return CompletionService(build_router(config))


REQUEST = ChatRequest.model_validate(
    {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Enabled S3 versioning"}],
        "max_tokens": 300,
    }
)


async def test_a_200_is_passed_through_with_usage(aiohttp_server: ServerFactory) -> None:
    upstream = FakeUpstream(lambda: completion("Enabled versioning on the docs bucket."))
    service = await start(aiohttp_server, upstream)
    reply = await service.complete(REQUEST)
    assert reply.content == "Enabled versioning on the docs bucket."
    assert reply.provider == "openai-compatible"
    assert reply.usage.total_tokens == 18
    assert upstream.bodies[0]["max_tokens"] == 300
    await service.aclose()


async def test_429_with_retry_after_is_retried_then_succeeds(aiohttp_server: ServerFactory) -> None:
    upstream = FakeUpstream(lambda: failure(429, {"Retry-After": "1"}), lambda: completion("Done."))
    service = await start(aiohttp_server, upstream)
    loop = asyncio.get_running_loop()
    started = loop.time()
    reply = await service.complete(REQUEST)
    assert reply.content == "Done."
    assert len(upstream.bodies) == 2
    assert loop.time() - started >= 0.9, "Retry-After: 1 must be honoured"
    await service.aclose()


async def test_persistent_500_is_a_bounded_temporary_error(aiohttp_server: ServerFactory) -> None:
    upstream = FakeUpstream(*[lambda: failure(500, {"Retry-After": "0"})] * 3)
    service = await start(aiohttp_server, upstream, retries=2)
    with pytest.raises(ModelUnavailable, match="HTTP 500") as caught:
        await service.complete(REQUEST)
    assert caught.value.retryable
    assert len(upstream.bodies) == 3
    await service.aclose()


async def test_a_hanging_upstream_times_out(aiohttp_server: ServerFactory) -> None:
    async def hang() -> web.Response:
        await asyncio.sleep(5)
        return completion("too late")

    upstream = FakeUpstream(hang)
    service = await start(aiohttp_server, upstream, timeout=0.3, retries=0)
    with pytest.raises(ModelUnavailable, match="timed out"):
        await service.complete(REQUEST)
    await service.aclose()


@pytest.mark.parametrize(
    "body",
    [
        web.Response(text="{oops", content_type="application/json"),  # not JSON
        web.Response(text="<html>502 Bad Gateway</html>", content_type="text/html"),
        web.Response(
            text='{"id": "chatcmpl-1", "object": "chat.completion"}',
            content_type="application/json",
        ),  # cut short: no choices
    ],
    ids=["not-json", "wrong-content-type", "truncated"],
)
async def test_a_reply_that_is_not_a_completion_is_a_transport_fault(
    aiohttp_server: ServerFactory, body: web.Response
) -> None:
    upstream = FakeUpstream(lambda: body)
    service = await start(aiohttp_server, upstream, retries=0)
    with pytest.raises(ModelUnavailable) as caught:
        await service.complete(REQUEST)
    assert caught.value.retryable
    await service.aclose()


async def test_a_completion_without_content_is_an_invalid_output(
    aiohttp_server: ServerFactory,
) -> None:
    reply = completion("x")
    payload = json.loads(reply.text or "{}")
    payload["choices"][0]["message"]["content"] = None
    upstream = FakeUpstream(lambda: web.json_response(payload))
    service = await start(aiohttp_server, upstream, retries=0)
    with pytest.raises(InvalidOutput):
        await service.complete(REQUEST)
    await service.aclose()


async def test_a_bad_key_is_rejected_without_retries(aiohttp_server: ServerFactory) -> None:
    upstream = FakeUpstream(lambda: failure(401))
    service = await start(aiohttp_server, upstream)
    with pytest.raises(UpstreamRejected, match="HTTP 401") as caught:
        await service.complete(REQUEST)
    assert not caught.value.retryable
    assert len(upstream.bodies) == 1
    await service.aclose()


async def test_opt_in_fallback_answers_offline_and_says_why(aiohttp_server: ServerFactory) -> None:
    upstream = FakeUpstream(lambda: failure(503))
    service = await start(aiohttp_server, upstream, retries=0, fallback="deterministic")
    reply = await service.complete(REQUEST)
    assert reply.provider == "deterministic"
    assert reply.fallback_reason is not None
    assert "HTTP 503" in reply.fallback_reason
    assert json.dumps(reply.content)
    await service.aclose()

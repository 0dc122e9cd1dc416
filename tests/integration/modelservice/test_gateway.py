"""The model-service as a gateway: what the caller sent reaches the upstream byte for byte,
what the upstream answered (streams included, as they arrive) reaches the caller; what the
deterministic engine cannot honour is a 400 naming the field."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from relnotes.config import Settings
from relnotes.modelservice.app import build_app

ServerFactory = Callable[..., Awaitable[TestServer]]

COMPLETION = {
    "id": "chatcmpl-up",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": '{"q": "rds"}'},
                    }
                ],
            },
            "finish_reason": "tool_calls",
        }
    ],
    "usage": {"prompt_tokens": 20, "completion_tokens": 9, "total_tokens": 29},
}

# Every kind of field a chat-completions request carries, including ones relnotes never reads.
FULL_REQUEST: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "messages": [
        {"role": "developer", "content": "Answer briefly."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What changed in this diagram?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_0", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_0", "content": "42"},
    ],
    "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {}}}],
    "tool_choice": "auto",
    "parallel_tool_calls": False,
    "top_p": 0.9,
    "stop": ["\n\n"],
    "n": 2,
    "seed": 7,
    "logit_bias": {"50256": -100},
    "presence_penalty": 0.5,
    "user": "ops",
    "reasoning_effort": "low",
    "a_vendor_extension": {"keep": True},
}


class Upstream:
    """A fake OpenAI-compatible server that records the raw bodies and headers it gets."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.auth: list[str | None] = []
        self.first_chunk_seen = asyncio.Event()
        self.answer: Callable[[web.Request], Awaitable[web.StreamResponse]] = self.complete
        self.app = web.Application()
        self.app.router.add_post("/v1/chat/completions", self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.bodies.append(await request.read())
        self.auth.append(request.headers.get("Authorization"))
        return await self.answer(request)

    async def complete(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(COMPLETION, headers={"x-request-id": "req-9"})

    async def stream(self, request: web.Request) -> web.StreamResponse:
        """Sends one chunk, then waits until the caller has it: a buffering gateway deadlocks."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n')
        await asyncio.wait_for(self.first_chunk_seen.wait(), 5)
        await response.write(b'data: {"choices":[{"index":0,"delta":{"content":"lo"}}]}\n\n')
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


@pytest.fixture
async def upstream(aiohttp_server: ServerFactory) -> tuple[Upstream, str]:
    fake = Upstream()
    server = await aiohttp_server(fake.app, host="127.0.0.1")
    settings = Settings(
        openai_api_key="sk-upstream",
        upstream_base_url=f"http://127.0.0.1:{server.port}/v1",
        model="gpt-4o-mini",
        upstream_max_retries=0,
    )
    gateway = await aiohttp_server(build_app(settings), host="127.0.0.1")
    return fake, f"http://127.0.0.1:{gateway.port}/v1/chat/completions"


async def test_every_field_reaches_the_upstream_byte_for_byte(
    upstream: tuple[Upstream, str],
) -> None:
    fake, url = upstream
    sent = json.dumps(FULL_REQUEST, indent=1).encode()  # odd whitespace: no re-encoding allowed
    async with aiohttp.ClientSession() as session, session.post(url, data=sent) as response:
        assert response.status == 200
        assert response.headers["X-Relnotes-Provider"] == "openai-compatible"
        assert response.headers["x-request-id"] == "req-9"
        answer = await response.json()
    assert fake.bodies == [sent]
    assert fake.auth == ["Bearer sk-upstream"]  # the gateway's key, not the caller's
    assert answer == COMPLETION  # tool calls, finish_reason and usage as the upstream wrote them


async def test_a_stream_is_passed_on_as_it_arrives(upstream: tuple[Upstream, str]) -> None:
    fake, url = upstream
    fake.answer = fake.stream
    body = {**FULL_REQUEST, "stream": True, "n": 1}
    received = b""
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        async for chunk in response.content.iter_any():
            received += chunk
            if b'"Hel"' in received:
                fake.first_chunk_seen.set()
    assert json.loads(fake.bodies[0]) == body
    assert received.count(b"data: ") == 3
    assert received.endswith(b"data: [DONE]\n\n")


async def test_the_upstreams_own_400_reaches_the_caller(upstream: tuple[Upstream, str]) -> None:
    fake, url = upstream
    error = {"error": {"message": "tools.0: bad schema", "type": "invalid_request_error",
                       "param": "tools", "code": None}}  # fmt: skip

    async def refuse(request: web.Request) -> web.Response:
        return web.json_response(error, status=400)

    fake.answer = refuse
    async with aiohttp.ClientSession() as session, session.post(url, json=FULL_REQUEST) as response:
        assert response.status == 400
        assert await response.json() == error


async def test_a_rejected_gateway_key_is_a_502_not_the_callers_401(
    upstream: tuple[Upstream, str],
) -> None:
    fake, url = upstream

    async def unauthorised(request: web.Request) -> web.Response:
        return web.json_response(
            {"error": {"message": "bad key", "code": "invalid_api_key"}}, status=401
        )

    fake.answer = unauthorised
    async with aiohttp.ClientSession() as session, session.post(url, json=FULL_REQUEST) as response:
        assert response.status == 502
        assert (await response.json())["error"]["code"] == "upstream_rejected"


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("top_p", 1.5, "top_p: Input should be less than or equal to 1"),
        ("n", 0, "n: Input should be greater than or equal to 1"),
        ("stop", ["a", "b", "c", "d", "e"], "stop"),
        ("messages", [{"role": "tool", "content": "x"}], "tool_call_id is required"),
        ("messages", [{"role": "robot", "content": "x"}], "messages.0.role"),
    ],
)
async def test_a_request_that_breaks_a_limit_is_a_400_naming_the_field(
    upstream: tuple[Upstream, str], field: str, value: Any, named: str
) -> None:
    fake, url = upstream
    body = {**FULL_REQUEST, field: value}
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
        assert response.status == 400
        assert named in (await response.json())["error"]["message"]
    assert fake.bodies == []


SUMMARY = "Upgraded the production RDS Postgres engine from 15.4 to 15.6"


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"tools": FULL_REQUEST["tools"]}, "tools:"),
        ({"n": 2}, "n:"),
        ({"stop": "."}, "stop:"),
        ({"logprobs": True}, "logprobs:"),
        ({"logit_bias": {"1": 2}}, "logit_bias:"),
        ({"messages": FULL_REQUEST["messages"][1:2]}, "messages.0.content.1.type"),
    ],
)
async def test_the_deterministic_engine_refuses_what_it_cannot_honour(
    aiohttp_server: ServerFactory, extra: dict[str, Any], named: str
) -> None:
    server = await aiohttp_server(build_app(Settings()), host="127.0.0.1")
    url = f"http://127.0.0.1:{server.port}/v1/chat/completions"
    body = {"model": "relnotes-deterministic", "messages": [{"role": "user", "content": SUMMARY}]}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={**body, **extra}) as response:
            assert response.status == 400
            assert (await response.json())["error"]["message"].startswith(named)
        knobs = {"top_p": 0.5, "seed": 3, "temperature": 0, "user": "ops", "tool_choice": "none"}
        parts = [{"role": "user", "content": [{"type": "text", "text": SUMMARY}]}]
        async with session.post(url, json={**body, **knobs, "messages": parts}) as response:
            assert response.status == 200  # knobs with no effect on a rule-based draft
            assert "15.6" in (await response.json())["choices"][0]["message"]["content"]


async def test_a_stream_that_fails_before_its_first_byte_is_an_error_or_a_fallback(
    aiohttp_server: ServerFactory,
) -> None:
    fake = Upstream()

    async def outage(request: web.Request) -> web.Response:
        return web.json_response({"error": {"message": "overloaded"}}, status=503)

    fake.answer = outage
    server = await aiohttp_server(fake.app, host="127.0.0.1")
    base: dict[str, Any] = {"openai_api_key": "sk-up", "model": "gpt-4o-mini"}
    base["upstream_max_retries"] = 0
    base["upstream_base_url"] = f"http://127.0.0.1:{server.port}/v1"
    plain = await aiohttp_server(build_app(Settings(**base)), host="127.0.0.1")
    falling = await aiohttp_server(
        build_app(Settings(**base, fallback="deterministic")), host="127.0.0.1"
    )
    body = {"model": "gpt-4o-mini", "stream": True,
            "messages": [{"role": "user", "content": SUMMARY}]}  # fmt: skip
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{plain.port}/v1/chat/completions"
        async with session.post(url, json=body) as response:
            assert response.status == 503
            assert (await response.json())["error"]["code"] == "model_unavailable"
        url = f"http://127.0.0.1:{falling.port}/v1/chat/completions"
        async with session.post(url, json=body) as response:
            assert response.status == 200
            assert response.headers["X-Relnotes-Provider"] == "deterministic"
            events = (await response.text()).split("\n\n")
    chunks = [json.loads(e.removeprefix("data: ")) for e in events if e and "[DONE]" not in e]
    assert "15.6" in "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert chunks[0]["fallback_reason"].startswith("openai-compatible: HTTP 503")

"""The official ``openai`` SDK talks to the model-service unchanged, over 127.0.0.1."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import openai
import pytest
from aiohttp.test_utils import TestServer

from relnotes.config import Settings
from relnotes.models.result import NoteDraft, draft_json_schema
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.modelservice.app import build_app
from relnotes.services.drafting import Drafter, build_drafter

ServerFactory = Callable[..., Awaitable[TestServer]]
SUMMARY = "Upgraded the production RDS Postgres engine from 15.4 to 15.6"


@pytest.fixture
async def base_url(aiohttp_server: ServerFactory) -> str:
    server = await aiohttp_server(build_app(Settings()), host="127.0.0.1")
    return f"http://127.0.0.1:{server.port}/v1"


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[openai.AsyncOpenAI]:
    sdk = openai.AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=0)
    yield sdk
    await sdk.close()


def user(text: str) -> list[Any]:
    return [{"role": "user", "content": text}]


async def test_models_are_listed(client: openai.AsyncOpenAI) -> None:
    models = await client.models.list()
    assert [m.id for m in models.data] == ["relnotes-deterministic"]


async def test_a_plain_chat_gets_a_markdown_note(client: openai.AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(
        model="relnotes-deterministic", messages=user(SUMMARY)
    )
    content = completion.choices[0].message.content or ""
    assert "15.4" in content
    assert "15.6" in content
    assert "### Test scenarios" in content
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.total_tokens > 0
    assert (completion.model_extra or {})["provider"] == "deterministic"


async def test_json_schema_response_format_is_honoured(client: openai.AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(
        model="relnotes-deterministic",
        messages=user(SUMMARY),
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "release_note", "schema": draft_json_schema()},
        },
    )
    draft = NoteDraft.model_validate_json(completion.choices[0].message.content or "")
    assert "15.6" in draft.release_note
    assert draft.category == "database"


async def test_streaming_delivers_the_same_content(client: openai.AsyncOpenAI) -> None:
    plain = await client.chat.completions.create(
        model="relnotes-deterministic", messages=user(SUMMARY)
    )
    stream = await client.chat.completions.create(
        model="relnotes-deterministic", messages=user(SUMMARY), stream=True
    )
    parts = [chunk.choices[0].delta.content or "" async for chunk in stream]
    assert "".join(parts) == plain.choices[0].message.content


async def test_malformed_requests_get_openai_shaped_4xx(client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as missing:
        await client.chat.completions.create(model="relnotes-deterministic", messages=[])
    assert missing.value.status_code == 400
    assert missing.value.code == "invalid_request_error"
    assert "messages: List should have at least 1 item" in missing.value.message
    with pytest.raises(openai.BadRequestError, match="at least 5 characters"):
        await client.chat.completions.create(model="relnotes-deterministic", messages=user("hi"))
    with pytest.raises(openai.NotFoundError) as unknown:
        await client.chat.completions.create(model="gpt-4o", messages=user(SUMMARY))
    assert unknown.value.code == "model_not_found"


async def test_raw_http_errors_keep_the_shape(base_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base_url}/chat/completions", data=b"{not json") as response:
            assert response.status == 400
            body = await response.json()
            assert body["error"]["type"] == "invalid_request_error"
            assert body["error"]["message"].startswith("body: not valid JSON")
        async with session.get(f"{base_url}/chat/completions") as response:
            assert response.status == 405
            assert "error" in await response.json()
        async with session.get(f"{base_url}/nothing-here") as response:
            assert response.status == 404
            assert "error" in await response.json()


async def test_health_readiness_and_metrics(base_url: str, client: openai.AsyncOpenAI) -> None:
    await client.chat.completions.create(model="relnotes-deterministic", messages=user(SUMMARY))
    root = base_url.removesuffix("/v1")
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{root}/healthz") as response:
            assert response.status == 200
        async with session.get(f"{root}/readyz") as response:
            assert (await response.json())["engines"] == ["deterministic"]
        async with session.get(f"{root}/metrics") as response:
            text = await response.text()
    assert 'relnotes_model_requests_total{engine="deterministic",status="200"} 1.0' in text
    assert 'relnotes_model_tokens_total{engine="deterministic",kind="completion"}' in text
    assert "relnotes_model_request_seconds_bucket" in text


async def test_drafting_over_http_matches_drafting_in_process(base_url: str) -> None:
    spec = ReleaseNoteSpec.model_validate({"changeSummary": SUMMARY, "environment": "production"})
    local = build_drafter(Settings())
    remote: Drafter = build_drafter(Settings(model_service_url=base_url))
    try:
        near = await local.draft(spec, "relnotes-deterministic")
        far = await remote.draft(spec, "relnotes-deterministic")
    finally:
        await local.aclose()
        await remote.aclose()
    assert far.draft == near.draft
    assert far.provenance.provider == "deterministic"
    assert far.provenance.usage == near.provenance.usage

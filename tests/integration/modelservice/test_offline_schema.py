"""A ``response_format`` schema the offline writer cannot satisfy is a 400 that says so."""

from typing import Any

import openai
import pytest
from aiohttp.test_utils import TestServer

from relnotes.config import Settings
from relnotes.models.result import NoteDraft, draft_json_schema
from relnotes.modelservice.app import build_app

SUMMARY = "Upgraded the production RDS Postgres engine from 15.4 to 15.6"


def _format(schema: dict[str, Any]) -> Any:
    return {"type": "json_schema", "json_schema": {"name": "custom", "schema": schema}}


@pytest.fixture
async def client(aiohttp_server: Any) -> Any:
    server: TestServer = await aiohttp_server(build_app(Settings()), host="127.0.0.1")
    sdk = openai.AsyncOpenAI(
        base_url=f"http://127.0.0.1:{server.port}/v1", api_key="unused", max_retries=0
    )
    yield sdk
    await sdk.close()


async def test_an_unsatisfiable_schema_is_a_400_pointing_upstream(client: Any) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
        "additionalProperties": False,
    }
    with pytest.raises(openai.BadRequestError) as caught:
        await client.chat.completions.create(
            model="relnotes-deterministic",
            messages=[{"role": "user", "content": SUMMARY}],
            response_format=_format(schema),
        )
    assert caught.value.status_code == 400
    message = str(caught.value)
    assert "deterministic engine" in message
    assert "upstream model" in message
    assert "does not satisfy this schema" in message


async def test_a_schema_the_note_satisfies_is_answered(client: Any) -> None:
    loose = {"type": "object", "required": ["releaseNote", "risk"]}
    for schema in (loose, draft_json_schema()):
        completion = await client.chat.completions.create(
            model="relnotes-deterministic",
            messages=[{"role": "user", "content": SUMMARY}],
            response_format=_format(schema),
        )
        note = NoteDraft.model_validate_json(completion.choices[0].message.content or "")
        assert "15.6" in note.release_note

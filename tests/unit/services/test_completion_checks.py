"""The completion service validates replies, repairs once, and falls back only when asked."""

import json

import pytest
from pydantic import ValidationError

from relnotes.models.chat import ChatMessage, ChatReply, ChatRequest
from relnotes.models.errors import InvalidOutput, InvalidRequest, ModelUnavailable
from relnotes.models.result import draft_json_schema
from relnotes.services.completion import CompletionService
from relnotes.services.engines.offline import DeterministicEngine
from relnotes.services.engines.router import EngineRouter, ModelNotFound

GOOD = json.dumps(
    {
        "releaseNote": "Upgraded the staging EKS cluster from 1.29 to 1.30.",
        "testScenarios": [
            {"title": "Nodes ready", "steps": ["Run kubectl get nodes"], "expected": "All Ready"},
            {"title": "Rollback plan", "steps": ["Review the runbook"], "expected": "Documented"},
        ],
        "category": "kubernetes",
        "risk": "medium",
    }
)


class ScriptedEngine:
    """Answers with the scripted contents in order; an exception in the script is raised."""

    name = "scripted"

    def __init__(self, *script: str | Exception) -> None:
        self.script = list(script)
        self.requests: list[ChatRequest] = []

    async def aclose(self) -> None:
        """Nothing to close."""

    def models(self) -> list[str]:
        return ["scripted"]

    def serves(self, model: str) -> bool:
        return model == "scripted"

    async def complete(self, request: ChatRequest) -> ChatReply:
        self.requests.append(request)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return ChatReply(content=step, model="scripted", provider=self.name)


def schema_request(model: str = "scripted") -> ChatRequest:
    return ChatRequest.model_validate(
        {
            "model": model,
            "messages": [{"role": "user", "content": "Upgraded EKS 1.29 to 1.30 in staging"}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "note", "schema": draft_json_schema()},
            },
        }
    )


async def test_a_valid_reply_passes_untouched() -> None:
    engine = ScriptedEngine(GOOD)
    reply = await CompletionService(EngineRouter([engine])).complete(schema_request())
    assert reply.content == GOOD
    assert len(engine.requests) == 1


async def test_an_invalid_reply_gets_one_repair_attempt_naming_the_problem() -> None:
    engine = ScriptedEngine('{"releaseNote": "x"}', GOOD)
    reply = await CompletionService(EngineRouter([engine])).complete(schema_request())
    assert reply.content == GOOD
    repair = engine.requests[1].messages
    assert repair[-2] == ChatMessage(role="assistant", content='{"releaseNote": "x"}')
    assert "did not match the required JSON schema" in repair[-1].text()


async def test_a_reply_still_invalid_after_the_repair_is_a_502() -> None:
    engine = ScriptedEngine("not json", "still not json")
    with pytest.raises(InvalidOutput) as caught:
        await CompletionService(EngineRouter([engine])).complete(schema_request())
    assert caught.value.status == 502
    assert "not valid JSON" in caught.value.message


async def test_upstream_errors_surface_without_an_opt_in_fallback() -> None:
    engine = ScriptedEngine(ModelUnavailable("openai: HTTP 503"))
    with pytest.raises(ModelUnavailable):
        await CompletionService(EngineRouter([DeterministicEngine(), engine])).complete(
            schema_request()
        )


async def test_the_opt_in_fallback_reports_provider_and_reason() -> None:
    offline = DeterministicEngine()
    engine = ScriptedEngine(ModelUnavailable("openai: HTTP 503"))
    service = CompletionService(EngineRouter([offline, engine], fallback=offline))
    reply = await service.complete(schema_request())
    assert reply.provider == "deterministic"
    assert reply.fallback_reason == "scripted: openai: HTTP 503"
    assert json.loads(reply.content)["releaseNote"]


async def test_unknown_models_and_broken_schemas_are_request_errors() -> None:
    service = CompletionService(EngineRouter([DeterministicEngine()]))
    with pytest.raises(ModelNotFound, match="model: 'gpt-4o' is not served here") as caught:
        await service.complete(schema_request("gpt-4o"))
    assert caught.value.status == 404
    broken = schema_request("relnotes-deterministic").model_dump(by_alias=True)
    broken["response_format"]["json_schema"]["schema"] = {"type": "no-such-type"}
    with pytest.raises(InvalidRequest, match=r"response_format\.json_schema\.schema"):
        await service.complete(ChatRequest.model_validate(broken))


async def test_any_other_schema_is_checked_as_a_json_schema() -> None:
    custom = schema_request().model_dump(by_alias=True)
    custom["response_format"]["json_schema"]["schema"] = {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
    }
    engine = ScriptedEngine('{"x": 1}', '{"answer": 42}')
    with pytest.raises(InvalidOutput, match="answer: 42 is not of type 'string'"):
        await CompletionService(EngineRouter([engine])).complete(ChatRequest.model_validate(custom))
    assert "'answer' is a required property" in engine.requests[1].messages[-1].text()


async def test_an_engine_that_builds_an_invalid_reply_is_invalid_output_not_a_crash() -> None:
    try:
        ChatMessage.model_validate({"role": "nobody", "content": 1})
    except ValidationError as error:
        bug = error  # what an engine raises when it builds a model its own schema refuses
    engine = ScriptedEngine(bug)
    with pytest.raises(InvalidOutput, match="fails its own schema at role") as caught:
        await CompletionService(EngineRouter([engine])).complete(schema_request())
    assert caught.value.status == 502  # counted and bounded by the operator, not retried forever

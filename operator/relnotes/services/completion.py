"""Chat completions as the model-service serves them: route, validate, repair once, fall back.

A reply that must be JSON is checked against the caller's schema; when it fails, the same engine
gets one chance to repair it, then the caller gets ``InvalidOutput`` (HTTP 502) instead of bad
data. Falling back to the deterministic engine happens only when configured, and the reply says
so (provider and reason), so nobody mistakes an offline draft for a model's.
"""

import json
import logging
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from relnotes.models.chat import MAX_PROMPT_CHARS, ChatMessage, ChatReply, ChatRequest
from relnotes.models.errors import InvalidOutput, InvalidRequest, RelnotesError
from relnotes.models.result import TokenUsage
from relnotes.services.engines.base import Engine
from relnotes.services.engines.router import EngineRouter
from relnotes.services.prompt import repair_message

__all__ = ["CompletionService", "reply_error"]

log = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = json.loads(schema_json)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def reply_error(request: ChatRequest, content: str) -> str | None:
    """Why ``content`` does not satisfy what ``request`` asked for, or None when it does."""
    if not request.wants_json():
        return None
    try:
        document: Any = json.loads(content)
    except json.JSONDecodeError as error:
        return f"not valid JSON: {error}"
    schema = request.reply_schema()
    if schema is None:
        return None if isinstance(document, dict) else "expected a JSON object"
    found = best_match(_validator(json.dumps(schema, sort_keys=True)).iter_errors(document))
    if found is None:
        return None
    where = "/".join(str(p) for p in found.absolute_path) or "(root)"
    return f"{where}: {found.message}"


class CompletionService:
    """The model-service's one service: answer a chat request with a checked reply."""

    def __init__(self, router: EngineRouter) -> None:
        self.router = router

    async def aclose(self) -> None:
        """Close the engines' connections."""
        await self.router.aclose()

    def check_schema(self, request: ChatRequest) -> None:
        """Reject a ``response_format`` schema that is not a valid JSON schema."""
        schema = request.reply_schema()
        if schema is None:
            return
        try:
            _validator(json.dumps(schema, sort_keys=True))
        except Exception as error:
            raise InvalidRequest(f"response_format.json_schema.schema: {error}") from error

    async def complete(self, request: ChatRequest) -> ChatReply:
        """Route, answer, validate, repair once; fall back only when opted in."""
        self.check_schema(request)
        engine = self.router.route(request.model)
        try:
            return await self._checked(engine, request)
        except RelnotesError as error:
            fallback = self.router.fallback
            if fallback is None or fallback is engine or isinstance(error, InvalidRequest):
                raise
            log.warning(
                "falling back to the deterministic engine",
                extra={"engine": engine.name, "reason": error.message},
            )
            offline = request.model_copy(update={"model": fallback.models()[0]})
            reply = await self._checked(fallback, offline)
            return reply.model_copy(update={"fallback_reason": f"{engine.name}: {error.message}"})

    async def _checked(self, engine: Engine, request: ChatRequest) -> ChatReply:
        reply = await engine.complete(request)
        problem = reply_error(request, reply.content)
        if problem is None:
            return reply
        log.info("repairing a reply", extra={"engine": engine.name, "problem": problem})
        messages = [
            *request.messages,
            ChatMessage(role="assistant", content=reply.content[:MAX_PROMPT_CHARS]),
            repair_message(problem),
        ]
        repaired = await engine.complete(request.model_copy(update={"messages": messages}))
        problem = reply_error(request, repaired.content)
        if problem is not None:
            raise InvalidOutput(f"{engine.name}: reply failed the schema after a repair: {problem}")
        usage = TokenUsage(
            prompt_tokens=reply.usage.prompt_tokens + repaired.usage.prompt_tokens,
            completion_tokens=reply.usage.completion_tokens + repaired.usage.completion_tokens,
        )
        return repaired.model_copy(update={"usage": usage})

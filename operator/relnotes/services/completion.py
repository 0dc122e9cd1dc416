"""Chat completions as the model-service serves them: route, validate, repair once, fall back.

A reply that must be JSON is checked against the caller's schema; when it fails, the same engine
gets one chance to repair it, then the caller gets ``InvalidOutput`` (HTTP 502) instead of bad
data. Falling back to the deterministic engine happens only when configured, and the reply says
so (provider and reason), so nobody mistakes an offline draft for a model's.

On the gateway path (``forward``, ``stream``) an upstream's answer goes back as the bytes it
sent; it is parsed only when it must be checked. A stream cannot be repaired once sent, so a
streamed reply is passed on unchecked.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from pydantic import ValidationError

from relnotes.models.chat import MAX_PROMPT_CHARS, ChatMessage, ChatReply, ChatRequest
from relnotes.models.errors import InvalidOutput, InvalidRequest, RelnotesError
from relnotes.models.result import TokenUsage
from relnotes.services.engines.base import Engine, Forwarded, Streamed, relays
from relnotes.services.engines.router import EngineRouter
from relnotes.services.prompt import repair_message
from relnotes.services.reply_checks import Check, reply_check

__all__ = ["CompletionService"]

log = logging.getLogger(__name__)


class CompletionService:
    """The model-service's one service: answer a chat request with a checked reply."""

    def __init__(self, router: EngineRouter) -> None:
        self.router = router

    async def aclose(self) -> None:
        """Close the engines' connections."""
        await self.router.aclose()

    async def complete(self, request: ChatRequest) -> ChatReply:
        """Route, answer, validate, repair once; fall back only when opted in."""
        check = reply_check(request)  # an invalid schema is the caller's error, before any call
        engine = self.router.route(request.model)
        try:
            return await self._checked(engine, request, check)
        except RelnotesError as error:
            return await self._fall_back(engine, request, check, error)

    async def forward(self, request: ChatRequest, body: bytes) -> Forwarded | ChatReply:
        """``body`` (``request`` as sent) through its engine: an upstream's answer as it came,
        or, from the deterministic engine, a repair or a fallback, a ``ChatReply``."""
        check = reply_check(request)
        engine = self.router.route(request.model)
        if not relays(engine):
            return await self.complete(request)
        try:
            answer = await engine.forward(body)
            if answer.status != 200 or not request.wants_json():
                return answer
            reply = engine.reply(answer, request.model)
            problem = check(reply.content)
            if problem is None:
                return Forwarded(answer.status, answer.body, answer.headers, reply.usage)
            return await self._repaired(engine, request, check, reply, problem)
        except RelnotesError as error:
            return await self._fall_back(engine, request, check, error)

    @asynccontextmanager
    async def stream(
        self, request: ChatRequest, body: bytes
    ) -> AsyncIterator[Streamed | ChatReply]:
        """An upstream's stream as it arrives; a ``ChatReply`` from the deterministic engine."""
        engine = self.router.route(request.model)
        if not relays(engine):
            yield await self.complete(request)
            return
        async with AsyncExitStack() as stack:
            try:
                answer: Streamed | ChatReply = await stack.enter_async_context(engine.stream(body))
            except RelnotesError as error:
                answer = await self._fall_back(engine, request, reply_check(request), error)
            yield answer

    async def _fall_back(
        self, engine: Engine, request: ChatRequest, check: Check, error: RelnotesError
    ) -> ChatReply:
        fallback = self.router.fallback
        if fallback is None or fallback is engine or isinstance(error, InvalidRequest):
            raise error
        log.warning(
            "falling back to the deterministic engine",
            extra={"engine": engine.name, "reason": error.message},
        )
        offline = request.model_copy(update={"model": fallback.models()[0]})
        reply = await self._checked(fallback, offline, check)
        reason = error.message  # engines' errors start with the engine's name
        if not reason.startswith(f"{engine.name}:"):
            reason = f"{engine.name}: {reason}"
        return reply.model_copy(update={"fallback_reason": reason})

    async def _checked(self, engine: Engine, request: ChatRequest, check: Check) -> ChatReply:
        reply = await _answer(engine, request)
        problem = check(reply.content)
        if problem is None:
            return reply
        return await self._repaired(engine, request, check, reply, problem)

    async def _repaired(
        self, engine: Engine, request: ChatRequest, check: Check, reply: ChatReply, problem: str
    ) -> ChatReply:
        log.info("repairing a reply", extra={"engine": engine.name, "problem": problem})
        messages = [
            *request.messages,
            ChatMessage(role="assistant", content=reply.content[:MAX_PROMPT_CHARS]),
            repair_message(problem),
        ]
        repaired = await _answer(engine, request.model_copy(update={"messages": messages}))
        problem_left = check(repaired.content)
        if problem_left is not None:
            raise InvalidOutput(
                f"{engine.name}: reply failed the schema after a repair: {problem_left}"
            )
        usage = TokenUsage(
            prompt_tokens=reply.usage.prompt_tokens + repaired.usage.prompt_tokens,
            completion_tokens=reply.usage.completion_tokens + repaired.usage.completion_tokens,
        )
        return repaired.model_copy(update={"usage": usage})


async def _answer(engine: Engine, request: ChatRequest) -> ChatReply:
    """The engine's reply; an engine that builds a reply failing its own models (a bug, such as
    a note under the schema's minimum) is invalid output (502, counted and bounded by the
    operator), never an unhandled 500 that callers would retry for ever."""
    try:
        return await engine.complete(request)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        log.error("engine built an invalid reply", extra={"engine": engine.name, "at": where})
        raise InvalidOutput(
            f"{engine.name}: drafted a reply that fails its own schema at {where}: {first['msg']}"
        ) from error

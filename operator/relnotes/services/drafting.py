"""Drafting: one spec in, one validated ``GeneratedNote`` out, through any chat transport.

The transport is the model-service over HTTP (the operator in a cluster, ``render`` when
``RELNOTES_MODEL_SERVICE_URL`` is set) or the model-service's own completion service in-process
(``render`` on embedded defaults). Either way the prompt, the schema and the validation are the
same code, so what ``render`` prints is what the operator would write.
"""

import time

from pydantic import ValidationError

from relnotes.config import Settings
from relnotes.models.chat import ChatRequest, JsonSchemaFormat, ResponseFormat
from relnotes.models.errors import InvalidOutput
from relnotes.models.result import GeneratedNote, NoteDraft, Provenance, draft_json_schema
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.breaker import CircuitBreaker
from relnotes.services.completion import CompletionService
from relnotes.services.engines.base import ChatTransport
from relnotes.services.engines.router import build_router, model_service
from relnotes.services.prompt import PROMPT_VERSION, build_messages

__all__ = ["Drafter", "build_drafter", "build_transport"]


class Drafter:
    """Builds the prompt, sends it, and accepts only a reply that validates as a NoteDraft."""

    def __init__(
        self,
        transport: ChatTransport,
        *,
        max_tokens: int,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._transport = transport
        self._max_tokens = max_tokens
        self.breaker = breaker
        self._format = ResponseFormat(
            type="json_schema",
            json_schema=JsonSchemaFormat.model_validate(
                {"name": "release_note", "schema": draft_json_schema(), "strict": False}
            ),
        )

    async def aclose(self) -> None:
        """Close the transport's connections."""
        await self._transport.aclose()

    async def draft(self, spec: ReleaseNoteSpec, model: str) -> GeneratedNote:
        """A validated note for ``spec`` from ``model``; raises a retry-aware RelnotesError."""
        request = ChatRequest(
            model=model,
            messages=build_messages(spec),
            response_format=self._format,
            max_tokens=self._max_tokens,
        )
        started = time.monotonic()
        if self.breaker is None:
            reply = await self._transport.complete(request)
        else:
            reply = await self.breaker.call(lambda: self._transport.complete(request))
        latency_ms = round((time.monotonic() - started) * 1000)
        try:
            draft = NoteDraft.model_validate_json(reply.content)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(root)"
            raise InvalidOutput(
                f"{reply.provider}: reply invalid at {where}: {first['msg']}"
            ) from error
        if len(draft.test_scenarios) < spec.test_scenarios:
            raise InvalidOutput(
                f"{reply.provider}: {len(draft.test_scenarios)} test scenarios, "
                f"{spec.test_scenarios} requested"
            )
        draft = draft.model_copy(
            update={"test_scenarios": draft.test_scenarios[: spec.test_scenarios]}
        )
        provenance = Provenance(
            provider=reply.provider,
            model=reply.model,
            prompt_version=PROMPT_VERSION,
            usage=reply.usage,
            latency_ms=latency_ms,
            fallback_reason=reply.fallback_reason,
        )
        return GeneratedNote(draft=draft, provenance=provenance)


def build_transport(settings: Settings, *, resend: bool = True) -> ChatTransport:
    """The model-service over HTTP when its URL is set, else the completion service in-process.

    ``resend=False`` turns the client's own retries off (a timeout is never resent by it
    anyway: the completion may still be running, and billed, upstream), so the operator's
    backoff and circuit breaker decide when to ask again.
    """
    if settings.model_service_url:
        return model_service(settings, settings.model_service_url, resend=resend)
    return CompletionService(build_router(settings))


def build_drafter(settings: Settings, *, breaker: CircuitBreaker | None = None) -> Drafter:
    """A drafter wired from ``settings``; with a breaker (the operator), no SDK resends."""
    transport = build_transport(settings, resend=breaker is None)
    return Drafter(transport, max_tokens=settings.max_tokens, breaker=breaker)

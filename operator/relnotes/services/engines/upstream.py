"""An OpenAI chat-completions server reached through the official ``openai`` SDK.

The same class talks to OpenAI, to any OpenAI-compatible server (vLLM, Ollama, LiteLLM) and, from
the operator and ``relnotes render``, to relnotes' own model-service. The SDK does the bounded
retries on 408/409/429/5xx and honours Retry-After; this module only turns what is left into
domain errors that say whether trying later can help.
"""

from typing import Any

import openai

from relnotes.models.chat import ChatReply, ChatRequest
from relnotes.models.errors import (
    InvalidOutput,
    InvalidRequest,
    ModelUnavailable,
    RelnotesError,
    UpstreamRejected,
)
from relnotes.models.result import TokenUsage

__all__ = ["UpstreamEngine", "translate_error"]

_BY_CODE: dict[str, type[RelnotesError]] = {
    InvalidOutput.code: InvalidOutput,
    InvalidRequest.code: InvalidRequest,
    UpstreamRejected.code: UpstreamRejected,
}


def _retry_after(error: openai.APIStatusError) -> float | None:
    value = error.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def translate_error(error: openai.OpenAIError, provider: str) -> RelnotesError:
    """The domain error for an SDK error; 429, 5xx, timeouts and refusals to connect retry."""
    if isinstance(error, openai.APITimeoutError):
        return ModelUnavailable(f"{provider}: request timed out")
    if isinstance(error, openai.APIConnectionError):
        return ModelUnavailable(f"{provider}: cannot connect ({error.__cause__ or error})")
    if isinstance(error, openai.APIStatusError):
        message = f"{provider}: HTTP {error.status_code}: {error.message}"
        known = _BY_CODE.get(str(error.code)) if error.code else None
        if known is not None:
            return known(message)
        if error.status_code == 429 or error.status_code >= 500:
            return ModelUnavailable(message, retry_after=_retry_after(error))
        return UpstreamRejected(message)
    return InvalidOutput(f"{provider}: unreadable reply ({error})")


class UpstreamEngine:
    """Chat completions from a remote server; ``name`` is reported as the provider."""

    def __init__(self, client: openai.AsyncOpenAI, *, name: str, model: str | None) -> None:
        self.name = name
        self._client = client
        self._model = model

    async def aclose(self) -> None:
        await self._client.close()

    def models(self) -> list[str]:
        return [self._model] if self._model else []

    def serves(self, model: str) -> bool:
        return True

    async def complete(self, request: ChatRequest) -> ChatReply:
        kwargs: dict[str, Any] = {
            "model": request.model,
            "messages": [m.model_dump() for m in request.messages],
        }
        if request.response_format is not None:
            kwargs["response_format"] = request.response_format.model_dump(
                by_alias=True, exclude_none=True
            )
        if request.token_limit() is not None:
            kwargs["max_tokens"] = request.token_limit()
        if request.temperature is not None:
            kwargs["temperature"] = request.temperature
        try:
            completion = await self._client.chat.completions.create(**kwargs)
        except openai.OpenAIError as error:
            raise translate_error(error, self.name) from error
        except ValueError as error:  # the SDK lets a body that is not JSON through as-is
            raise InvalidOutput(f"{self.name}: reply is not valid JSON ({error})") from error
        if not completion.choices or completion.choices[0].message.content is None:
            raise InvalidOutput(f"{self.name}: reply has no message content")
        choice = completion.choices[0]
        extra = completion.model_extra or {}
        usage = completion.usage
        return ChatReply(
            content=choice.message.content or "",
            model=completion.model or request.model,
            provider=str(extra.get("provider") or self.name),
            usage=TokenUsage(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
            ),
            finish_reason="length" if choice.finish_reason == "length" else "stop",
            fallback_reason=extra.get("fallback_reason"),
        )

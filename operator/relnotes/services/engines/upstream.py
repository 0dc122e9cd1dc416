"""An OpenAI chat-completions server reached through the official ``openai`` SDK.

The same class talks to OpenAI, to any OpenAI-compatible server (vLLM, Ollama, LiteLLM) and, from
the operator and ``relnotes render``, to relnotes' own model-service. The SDK does the bounded
retries on 408/409/429/5xx and honours Retry-After; this module only turns what is left into
domain errors that say whether trying later can help: a reply that is not a chat completion
at all (not JSON, cut short, the wrong content type) is a transport fault, and only the content
of a real completion can be invalid output.

The body goes out through the client's ``post`` with ``ChatCompletion`` as the reply type, not
through ``chat.completions.create``: ``create`` walks every message through the SDK's six-way
TypedDict union and the response format through three, looking for aliases, dates and files
that plain-text chat never carries. That walk was a fifth of the SDK's CPU per call (about
0.3 ms, bench/operator_throughput.py); the JSON sent, the auth, the retries and the parsed reply
are the same.
"""

from typing import Any

import openai
from openai.types.chat import ChatCompletion

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

# What ``chat.completions.create`` sends with: the API key as a bearer token, never an admin key.
_CHAT_OPTIONS: openai.RequestOptions = {"security": {"bearer_auth": True}}

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


def _timed_out(error: BaseException) -> bool:
    """Whether a timeout caused ``error``. The SDK's aiohttp transport reports a refused
    connection as a connect timeout too, so only the cause chain tells the two apart."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, TimeoutError):
            return True
        cause = cause.__cause__
    return False


def translate_error(error: openai.OpenAIError, provider: str) -> RelnotesError:
    """The domain error for an SDK error; 429, 5xx, timeouts and refusals to connect retry."""
    if isinstance(error, openai.APIConnectionError):  # APITimeoutError is one too
        if _timed_out(error):
            return ModelUnavailable(f"{provider}: request timed out")
        return ModelUnavailable(f"{provider}: cannot connect ({error.__cause__ or error})")
    if isinstance(error, openai.APIStatusError):
        message = f"{provider}: HTTP {error.status_code}: {error.message}"
        known = _BY_CODE.get(str(error.code)) if error.code else None
        if known is not None:
            return known(message)
        if error.status_code == 429 or error.status_code >= 500:
            return ModelUnavailable(message, retry_after=_retry_after(error))
        return UpstreamRejected(message)
    # Anything else (a body the SDK could not read as a reply) is the wire's fault, not the
    # model's: a retry with backoff can fix it, an invalid-output verdict would be final.
    return ModelUnavailable(f"{provider}: unreadable reply ({error})")


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
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        }
        if request.response_format is not None:
            body["response_format"] = request.response_format.model_dump(
                by_alias=True, exclude_none=True
            )
        if request.token_limit() is not None:
            body["max_tokens"] = request.token_limit()
        if request.temperature is not None:
            body["temperature"] = request.temperature
        try:
            completion = await self._client.post(
                "/chat/completions", cast_to=ChatCompletion, body=body, options=_CHAT_OPTIONS
            )
        except openai.OpenAIError as error:
            raise translate_error(error, self.name) from error
        except ValueError as error:  # a JSON content type over a body that is not JSON
            raise ModelUnavailable(f"{self.name}: reply is not valid JSON ({error})") from error
        # A non-JSON content type comes back as text, a truncated or foreign body without
        # choices: transport faults (a proxy's error page, a cut connection), retried with
        # backoff; only a real completion's content can be invalid output.
        if not isinstance(completion, ChatCompletion) or not completion.choices:
            raise ModelUnavailable(f"{self.name}: reply is not a chat completion")
        if completion.choices[0].message.content is None:
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

"""An OpenAI-compatible chat-completions server over pooled keep-alive connections.

The same class is the model-service's gateway to OpenAI or any compatible server (vLLM, Ollama,
LiteLLM) and the operator's and ``render``'s client of the model-service. As a gateway it sends
the request body as the caller sent it and hands the answer back as it arrived (streams chunk by
chunk): nothing is re-encoded, so every field reaches the upstream unchanged, and the gateway
costs a validation and two socket hops, not an SDK's request and response models (which took
most of the model-service's CPU per request, bench/gateway_throughput.py), nor a general HTTP
client's per-request machinery (``http1``). A reply that is not
a chat completion at all (not JSON, cut short, the wrong content type) is a transport fault;
only the content of a real completion can be invalid output.

Retries are bounded (``upstream_max_retries``) on 408/409/429/5xx and refused connections, with
Retry-After honoured, as the ``openai`` SDK does, but a timed-out request is never resent: it
may still be running, and billed, upstream, so the caller's backoff decides. What is left
becomes a domain error saying whether trying later can help. A 4xx that is the caller's to fix
(400, 404, 413, 422) is passed back as the upstream wrote it; a 401/403 is the gateway's own
key, so a 502 upstream_rejected.
"""

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pydantic_core import from_json
from yarl import URL

from relnotes.models.chat import ChatReply, ChatRequest
from relnotes.models.errors import (
    InvalidOutput,
    InvalidRequest,
    ModelUnavailable,
    RelnotesError,
    UpstreamRejected,
)
from relnotes.models.result import TokenUsage
from relnotes.services.engines.base import PROVIDER_HEADER, Forwarded, Streamed
from relnotes.services.engines.http1 import Origin, Reply

__all__ = ["UpstreamEngine"]
PASSED_ON = frozenset({400, 404, 413, 422})  # the caller's to fix: the upstream's words go back
_RETRIED = frozenset({408, 409, 429})
_KEPT_HEADERS = ("content-type", "retry-after", "x-request-id", "openai-processing-ms")
_BY_CODE: dict[str, type[RelnotesError]] = {
    InvalidOutput.code: InvalidOutput,
    InvalidRequest.code: InvalidRequest,
    UpstreamRejected.code: UpstreamRejected,
    ModelUnavailable.code: ModelUnavailable,
}


_PROVIDER = PROVIDER_HEADER.lower()


def _kept(reply: Reply) -> dict[str, str]:
    headers = reply.headers  # lower-case names
    kept = {name: headers[name] for name in _KEPT_HEADERS if name in headers}
    kept.update((k, v) for k, v in headers.items() if k.startswith("x-ratelimit-"))
    if _PROVIDER in headers:
        kept[PROVIDER_HEADER] = headers[_PROVIDER]
    return kept


def _retry_after(headers: Any) -> float | None:
    try:
        value = float(headers.get("retry-after", ""))
    except ValueError:
        return None
    return min(max(value, 0.0), 60.0)


def _error(provider: str, answer: Forwarded) -> RelnotesError:
    """The domain error for a non-2xx answer, by the error code in its body, else by status."""
    try:
        error = from_json(answer.body)["error"]
        message, code = str(error.get("message")), str(error.get("code") or "")
    except (ValueError, KeyError, TypeError, AttributeError):
        message, code = answer.body[:200].decode(errors="replace"), ""
    text = f"{provider}: HTTP {answer.status}: {message}"
    retry_after = _retry_after(answer.headers)
    known = _BY_CODE.get(code)
    if known is not None:
        return known(text, retry_after=retry_after)
    if answer.status in _RETRIED or answer.status >= 500:
        return ModelUnavailable(text, retry_after=retry_after)
    if answer.status in PASSED_ON:
        return InvalidRequest(text)
    return UpstreamRejected(text)


class UpstreamEngine:
    """Chat completions from ``base_url``; ``name`` is reported as the provider."""

    def __init__(
        self,
        *,
        name: str,
        base_url: str,
        api_key: str | None,
        model: str | None,
        timeout_s: float,
        max_retries: int,
    ) -> None:
        self.name = name
        headers = {"Content-Type": "application/json", "User-Agent": "relnotes"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._origin = Origin(URL(base_url.rstrip("/") + "/chat/completions"), headers)
        self._model = model
        self._timeout_s = timeout_s
        self._retries = max_retries

    async def aclose(self) -> None:
        self._origin.close()

    def models(self) -> list[str]:
        return [self._model] if self._model else []

    def serves(self, model: str) -> bool:
        return True

    async def _send(self, body: bytes) -> Reply:
        """The first answer a retry cannot improve on (its body unread), or the error after the
        last try. Each try has ``timeout_s`` to connect and get the answer's head."""
        failure: RelnotesError = ModelUnavailable(f"{self.name}: no attempt made")
        for attempt in range(self._retries + 1):
            delay = min(0.5 * 2**attempt, 8.0) * random.uniform(0.75, 1.0)  # noqa: S311
            try:
                async with asyncio.timeout(self._timeout_s):
                    reply = await self._origin.post(body)
            except TimeoutError as error:  # never resent: it may still run (and bill) upstream
                raise ModelUnavailable(f"{self.name}: request timed out") from error
            except OSError as error:  # refused, reset, or closed before an answer
                failure = ModelUnavailable(f"{self.name}: cannot connect ({error})")
            else:
                status = reply.status
                if (status < 500 and status not in _RETRIED) or attempt == self._retries:
                    return reply
                delay = _retry_after(reply.headers) or delay
                reply.release()
                failure = ModelUnavailable(f"{self.name}: HTTP {status}")
            if attempt < self._retries:
                await asyncio.sleep(delay)
        raise failure

    async def _answer(self, reply: Reply) -> Forwarded:
        try:
            return Forwarded(reply.status, await reply.read(self._timeout_s), _kept(reply))
        except TimeoutError as error:
            raise ModelUnavailable(f"{self.name}: request timed out") from error
        except OSError as error:
            raise ModelUnavailable(f"{self.name}: reply cut off ({error})") from error
        finally:
            reply.release()

    async def forward(self, body: bytes) -> Forwarded:
        answer = await self._answer(await self._send(body))
        if answer.status < 300 or answer.status in PASSED_ON:
            return answer
        raise _error(self.name, answer)

    @asynccontextmanager
    async def stream(self, body: bytes) -> AsyncIterator[Streamed]:
        reply = await self._send(body)
        if reply.status >= 300 and reply.status not in PASSED_ON:
            raise _error(self.name, await self._answer(reply))
        try:
            yield Streamed(reply.status, _kept(reply), reply.chunks(self._timeout_s))
        finally:
            reply.release()

    def reply(self, forwarded: Forwarded, model: str) -> ChatReply:
        if forwarded.status != 200:
            raise _error(self.name, forwarded)
        kind = forwarded.headers.get("content-type", "application/json")
        if "json" not in kind:  # a proxy's HTML error page with a 200: the wire, not the model
            raise ModelUnavailable(f"{self.name}: reply is not a chat completion ({kind})")
        try:
            document = from_json(forwarded.body)
            choice = document["choices"][0]
            content = choice["message"]["content"]
            tokens = TokenUsage.reported(document.get("usage"))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            # Not JSON, cut short, or JSON without choices (a proxy's error page, a dropped
            # connection): the wire's fault, retried with backoff, never an invalid-output
            # verdict, which would be final.
            raise ModelUnavailable(
                f"{self.name}: reply is not a chat completion ({error!r})"
            ) from error
        if not isinstance(content, str):
            raise InvalidOutput(f"{self.name}: reply has no message content")
        provider = forwarded.headers.get(PROVIDER_HEADER) or document.get("provider")
        return ChatReply(
            content=content,
            model=str(document.get("model") or model),
            provider=str(provider or self.name),
            usage=tokens,
            finish_reason="length" if choice.get("finish_reason") == "length" else "stop",
            fallback_reason=document.get("fallback_reason"),
        )

    async def complete(self, request: ChatRequest) -> ChatReply:
        return self.reply(await self.forward(request.to_json()), request.model)

"""What every engine, and every way of reaching one, looks like to the rest of relnotes."""

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol, TypeGuard

from relnotes.models.chat import ChatReply, ChatRequest
from relnotes.models.result import TokenUsage

__all__ = [
    "PROVIDER_HEADER",
    "ChatTransport",
    "Engine",
    "Forwarded",
    "Relay",
    "Streamed",
    "estimate_tokens",
    "relays",
]

PROVIDER_HEADER = "X-Relnotes-Provider"
"""The engine that wrote a reply, which the model-service adds to a body it passes on as sent."""


class ChatTransport(Protocol):
    """Anything that answers a chat request: an engine, the model-service, an upstream API."""

    async def complete(self, request: ChatRequest) -> ChatReply:
        """Answer ``request``; raise a ``RelnotesError`` that says whether a retry helps."""

    async def aclose(self) -> None:
        """Release connections; called once when the process stops."""


class Engine(ChatTransport, Protocol):
    """A transport the model-service routes to by model name."""

    name: str

    def models(self) -> list[str]:
        """Model names this engine announces in ``/v1/models``."""

    def serves(self, model: str) -> bool:
        """True when this engine answers requests for ``model``."""


@dataclass(frozen=True)
class Forwarded:
    """An upstream's answer as it arrived: status, body bytes and the headers worth passing on;
    its token usage when it was parsed on the way (to be checked), so it is parsed once."""

    status: int
    body: bytes
    headers: Mapping[str, str]
    usage: TokenUsage | None = None


@dataclass(frozen=True)
class Streamed:
    """A streamed answer: status and headers at once, then the body's bytes as they arrive."""

    status: int
    headers: Mapping[str, str]
    chunks: AsyncIterator[bytes]


class Relay(Engine, Protocol):
    """An engine behind HTTP that takes a request body as the caller sent it (the gateway path)."""

    async def forward(self, body: bytes) -> Forwarded:
        """POST ``body`` upstream; a 2xx, or a 4xx that is the caller's to fix, comes back as
        it arrived; anything else is raised as a ``RelnotesError``."""

    def stream(self, body: bytes) -> AbstractAsyncContextManager[Streamed]:
        """POST ``body`` (``stream: true``) upstream, with the same rules as ``forward``; the
        body's bytes are passed on as they arrive."""

    def reply(self, forwarded: Forwarded, model: str) -> ChatReply:
        """``forwarded`` (a 200 completion) as a ``ChatReply``; InvalidOutput when unreadable."""


def relays(engine: Engine) -> TypeGuard[Relay]:
    """True when ``engine`` takes bodies as sent (a structural check ten times cheaper than an
    ``isinstance`` against a runtime protocol, which is on every request's path)."""
    return callable(getattr(engine, "forward", None))


def estimate_tokens(chars: int) -> int:
    """A tokenizer-free estimate (about four characters a token) for engines that run no model."""
    return max(1, (chars + 3) // 4)

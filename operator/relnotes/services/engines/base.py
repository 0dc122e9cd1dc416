"""What every engine, and every way of reaching one, looks like to the rest of relnotes."""

from typing import Protocol

from relnotes.models.chat import ChatReply, ChatRequest

__all__ = ["ChatTransport", "Engine", "estimate_tokens"]


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


def estimate_tokens(chars: int) -> int:
    """A tokenizer-free estimate (about four characters a token) for engines that run no model."""
    return max(1, (chars + 3) // 4)

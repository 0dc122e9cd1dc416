"""The offline engine behind the chat protocol: relnotes' deterministic writer.

It answers relnotes' own prompts exactly (the spec travels in the request block), and any other
chat by treating the last user message as the change summary, so ``curl`` and the ``openai`` SDK
get a useful answer from a cluster with no API key. Replies are JSON when the caller asks for
JSON, else Markdown.
"""

from pydantic import ValidationError

from relnotes.config import DETERMINISTIC_MODEL
from relnotes.models.chat import ChatReply, ChatRequest
from relnotes.models.errors import InvalidRequest
from relnotes.models.result import TokenUsage
from relnotes.models.spec import MAX_SUMMARY, ReleaseNoteSpec
from relnotes.services.engines.base import estimate_tokens
from relnotes.services.engines.deterministic import write_draft
from relnotes.services.engines.honoured import refuse_unhonoured
from relnotes.services.prompt import parse_request
from relnotes.services.rendering import draft_markdown

__all__ = ["DeterministicEngine"]


def _spec_from_chat(request: ChatRequest) -> ReleaseNoteSpec:
    """The spec in relnotes' request block, else the last user message as a summary."""
    spec = parse_request(request.messages)
    if spec is not None:
        return spec
    users = [m.text() for m in request.messages if m.role == "user"]
    if not users:
        raise InvalidRequest("messages: at least one user message is required")
    try:
        return ReleaseNoteSpec.model_validate({"changeSummary": users[-1][:MAX_SUMMARY]})
    except ValidationError as error:
        raise InvalidRequest(
            f"messages[-1].content: {error.errors()[0]['msg']} (5 to {MAX_SUMMARY} characters)"
        ) from error


class DeterministicEngine:
    """Rule-based drafts: no network, no key, byte-identical output for the same input."""

    name = "deterministic"

    async def aclose(self) -> None:
        """Nothing to release: the writer holds no connections."""

    def models(self) -> list[str]:
        return [DETERMINISTIC_MODEL]

    def serves(self, model: str) -> bool:
        return model == DETERMINISTIC_MODEL

    async def complete(self, request: ChatRequest) -> ChatReply:
        refuse_unhonoured(request)
        draft = write_draft(_spec_from_chat(request))
        if request.wants_json():
            content = draft.model_dump_json(by_alias=True)
        else:
            content = draft_markdown(draft)
        prompt_chars = sum(len(m.text()) for m in request.messages)
        return ChatReply(
            content=content,
            model=DETERMINISTIC_MODEL,
            provider=self.name,
            usage=TokenUsage(
                prompt_tokens=estimate_tokens(prompt_chars),
                completion_tokens=estimate_tokens(len(content)),
            ),
        )

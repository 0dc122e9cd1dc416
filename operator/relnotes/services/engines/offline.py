"""The offline engine behind the chat protocol: relnotes' deterministic writer.

It answers relnotes' own prompts exactly (the spec travels in the request block), and any other
chat by treating the last user message as the change summary, so ``curl`` and the ``openai`` SDK
get a useful answer from a cluster with no API key. Replies are JSON when the caller asks for
JSON, else Markdown. The JSON is always a release note: a ``response_format`` schema that note
does not satisfy is the caller's error (HTTP 400 naming an upstream model as the way out), not
a reply that "failed the schema", which would read like an outage.
"""

from pydantic import ValidationError

from relnotes.config import DETERMINISTIC_MODEL
from relnotes.models.chat import ChatReply, ChatRequest
from relnotes.models.errors import InvalidRequest
from relnotes.models.result import NoteDraft, TokenUsage, draft_json_schema
from relnotes.models.spec import MAX_SUMMARY, ReleaseNoteSpec
from relnotes.services.engines.base import estimate_tokens
from relnotes.services.engines.deterministic import write_draft
from relnotes.services.engines.honoured import refuse_unhonoured
from relnotes.services.prompt import parse_request
from relnotes.services.rendering import draft_markdown
from relnotes.services.reply_checks import reply_check

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


def _json_reply(request: ChatRequest, draft: NoteDraft) -> str:
    """The draft as JSON, or InvalidRequest when the caller's schema wants something else."""
    content = draft.model_dump_json(by_alias=True)
    schema = request.reply_schema()
    if schema is None or schema == draft_json_schema():
        return content
    problem = reply_check(request)(content)
    if problem is not None:
        raise InvalidRequest(
            "response_format.json_schema: the deterministic engine writes only relnotes' "
            f"release-note JSON, which does not satisfy this schema ({problem}); send the "
            "request to an upstream model (an OpenAI-compatible model this model-service "
            "routes upstream) instead"
        )
    return content


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
        content = _json_reply(request, draft) if request.wants_json() else draft_markdown(draft)
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

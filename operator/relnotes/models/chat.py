"""The subset of the OpenAI chat-completions protocol relnotes speaks, both ways.

The model-service accepts these requests and the engines answer them, so the same shapes serve a
call that stays in-process (``relnotes render``) and one that crosses HTTP through the ``openai``
SDK. Unknown request fields are accepted and ignored, as OpenAI-compatible servers do.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from relnotes.models.result import TokenUsage

__all__ = [
    "MAX_MESSAGES",
    "MAX_PROMPT_CHARS",
    "ChatMessage",
    "ChatReply",
    "ChatRequest",
    "JsonSchemaFormat",
    "ResponseFormat",
]

MAX_MESSAGES = 32
MAX_PROMPT_CHARS = 32_000


class ChatMessage(BaseModel):
    """One message; content is text (multi-part content is not needed by relnotes)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    role: Literal["system", "developer", "user", "assistant"]
    content: Annotated[str, Field(max_length=MAX_PROMPT_CHARS)]


class JsonSchemaFormat(BaseModel):
    """``response_format.json_schema``: the schema a reply must satisfy."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    name: Annotated[str, Field(min_length=1, max_length=64)]
    schema_: dict[str, Any] = Field(default_factory=dict, alias="schema")
    strict: bool | None = None


class ResponseFormat(BaseModel):
    """``response_format``: free text, any JSON object, or JSON matching a schema."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaFormat | None = None


class ChatRequest(BaseModel):
    """A chat-completions request (``POST /v1/chat/completions`` body)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    model: Annotated[str, Field(min_length=1, max_length=128)]
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    response_format: ResponseFormat | None = None
    max_tokens: int | None = Field(default=None, ge=1, le=16_384)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=16_384)
    temperature: float | None = Field(default=None, ge=0, le=2)
    stream: bool = False
    n: int = Field(default=1, ge=1, le=1)

    def wants_json(self) -> bool:
        """True when the caller asked for a JSON reply."""
        return self.response_format is not None and self.response_format.type != "text"

    def reply_schema(self) -> dict[str, Any] | None:
        """The JSON schema the reply must satisfy, if the caller gave one."""
        fmt = self.response_format
        if fmt is None or fmt.json_schema is None:
            return None
        return fmt.json_schema.schema_

    def token_limit(self) -> int | None:
        """``max_completion_tokens`` (newer name) or ``max_tokens``."""
        return self.max_completion_tokens or self.max_tokens


class ChatReply(BaseModel):
    """What an engine answered: the text, who wrote it and what it cost."""

    model_config = ConfigDict(frozen=True)

    content: str
    model: str
    provider: str
    usage: TokenUsage = Field(default_factory=TokenUsage)
    finish_reason: Literal["stop", "length"] = "stop"
    fallback_reason: str | None = None

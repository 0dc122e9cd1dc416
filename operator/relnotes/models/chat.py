"""The OpenAI chat-completions request, as the model-service validates it, and an engine's reply.

The model-service is a gateway: a request bound for an upstream engine is forwarded as the
bytes the caller sent, so this model only has to say what is *wrong* with one (naming the field
and the limit). It types the fields relnotes reads and the limits OpenAI documents, and keeps every
other field (``tools``, ``top_p``, ``stop``, ``seed``, ...) in ``model_extra``, untouched. The
deterministic engine, which runs no model, refuses what it cannot honour
(``services/engines/honoured.py``); nothing is dropped silently.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from relnotes.models.result import TokenUsage

__all__ = [
    "MAX_MESSAGES",
    "MAX_PROMPT_CHARS",
    "ChatMessage",
    "ChatReply",
    "ChatRequest",
    "ContentPart",
    "JsonSchemaFormat",
    "ResponseFormat",
]

MAX_MESSAGES = 256  # a tool-using conversation runs long; the body limit bounds the total
MAX_PROMPT_CHARS = 32_000


class ContentPart(BaseModel):
    """One part of a message's content: text, or an image, audio or file the upstream reads."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: Annotated[str, Field(min_length=1, max_length=32)]
    text: Annotated[str, Field(max_length=MAX_PROMPT_CHARS)] | None = None


class ChatMessage(BaseModel):
    """One message of any role; content is text, a list of parts, or absent (tool calls)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: Annotated[str, Field(max_length=MAX_PROMPT_CHARS)] | list[ContentPart] | None = None
    name: Annotated[str, Field(max_length=64)] | None = None
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: Annotated[str, Field(max_length=256)] | None = None

    @model_validator(mode="after")
    def _has_content(self) -> "ChatMessage":
        """Only an assistant's tool call may come without content, as in OpenAI's API."""
        calls = self.tool_calls or (self.model_extra or {}).get("function_call")
        if self.content is None and not (self.role == "assistant" and calls):
            raise ValueError(f"content is required for a '{self.role}' message")
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("tool_call_id is required for a 'tool' message")
        return self

    def text(self) -> str:
        """The message's text: its content, or its text parts joined."""
        if self.content is None or isinstance(self.content, str):
            return self.content or ""
        return "".join(part.text or "" for part in self.content if part.type == "text")


class JsonSchemaFormat(BaseModel):
    """``response_format.json_schema``: the schema a reply must satisfy."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    name: Annotated[str, Field(min_length=1, max_length=64)]
    schema_: dict[str, Any] = Field(default_factory=dict, alias="schema")
    strict: bool | None = None


class ResponseFormat(BaseModel):
    """``response_format``: free text, any JSON object, or JSON matching a schema."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaFormat | None = None


class ChatRequest(BaseModel):
    """A chat-completions request (``POST /v1/chat/completions`` body), with OpenAI's limits."""

    model_config = ConfigDict(extra="allow", frozen=True)

    model: Annotated[str, Field(min_length=1, max_length=128)]
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    response_format: ResponseFormat | None = None
    max_tokens: int | None = Field(default=None, ge=1, le=131_072)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=131_072)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    stop: str | Annotated[list[str], Field(max_length=4)] | None = None
    tools: Annotated[list[dict[str, Any]], Field(max_length=128)] | None = None
    tool_choice: str | dict[str, Any] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    seed: int | None = None
    stream: bool = False
    n: int = Field(default=1, ge=1, le=128)

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

    def to_json(self) -> bytes:
        """The request as it goes over the wire: every field set, extras included."""
        return self.model_dump_json(by_alias=True, exclude_none=True).encode()


class ChatReply(BaseModel):
    """What an engine answered: the text, who wrote it and what it cost."""

    model_config = ConfigDict(frozen=True)

    content: str
    model: str
    provider: str
    usage: TokenUsage = Field(default_factory=TokenUsage)
    finish_reason: Literal["stop", "length"] = "stop"
    fallback_reason: str | None = None

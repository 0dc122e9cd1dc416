"""What a model must produce for a ReleaseNote, and where it came from.

``NoteDraft`` is the schema sent to models as ``response_format`` (JSON schema) and the one every
reply is validated against, so the operator never stores or shows output it did not check.
"""

from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

__all__ = [
    "MAX_NOTE",
    "Category",
    "GeneratedNote",
    "NoteDraft",
    "Provenance",
    "Risk",
    "Scenario",
    "TokenUsage",
    "draft_json_schema",
]

MAX_NOTE = 300

Line = Annotated[str, StringConstraints(min_length=3, max_length=300, strip_whitespace=True)]


class Category(StrEnum):
    """The area of infrastructure a change touches."""

    DATABASE = "database"
    CACHE = "cache"
    COMPUTE = "compute"
    KUBERNETES = "kubernetes"
    NETWORK = "network"
    DNS = "dns"
    STORAGE = "storage"
    SECURITY = "security"
    COST = "cost"
    OBSERVABILITY = "observability"
    DELIVERY = "delivery"  # CI/CD pipelines, build agents, IaC tool and dependency versions
    OTHER = "other"


class Risk(StrEnum):
    """How likely the change is to disturb users; drives how hard to test it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Scenario(BaseModel):
    """One test scenario: a title, concrete steps and what must be observed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, StringConstraints(min_length=3, max_length=120, strip_whitespace=True)]
    steps: list[Line] = Field(min_length=1, max_length=6)
    expected: Line


class NoteDraft(BaseModel):
    """A release note: one sentence, 2-3 test scenarios, a category and a risk."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)

    release_note: str = Field(alias="releaseNote", min_length=10, max_length=MAX_NOTE)
    test_scenarios: list[Scenario] = Field(alias="testScenarios", min_length=2, max_length=3)
    category: Category
    risk: Risk

    @field_validator("release_note")
    @classmethod
    def _one_sentence(cls, value: str) -> str:
        """A changelog line is a single sentence on a single line."""
        value = value.strip()
        if "\n" in value:
            raise ValueError("releaseNote must be a single line")
        if not value.endswith((".", "!")):
            raise ValueError("releaseNote must be one sentence ending with a full stop")
        return value


class TokenUsage(BaseModel):
    """Tokens a model call consumed, as the chat-completions ``usage`` reports them."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    prompt_tokens: int = Field(default=0, ge=0, alias="promptTokens")
    completion_tokens: int = Field(default=0, ge=0, alias="completionTokens")

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    @classmethod
    def reported(cls, usage: Any) -> "TokenUsage":
        """From a completion's ``usage`` object as the wire has it (absent counts are 0)."""
        usage = usage or {}
        return cls(
            prompt_tokens=usage.get("prompt_tokens") or 0,
            completion_tokens=usage.get("completion_tokens") or 0,
        )


class Provenance(BaseModel):
    """Where a draft came from: enough to audit spend and reproduce it."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    provider: str = Field(description="Engine that wrote the draft: deterministic, openai, ...")
    model: str
    prompt_version: str = Field(alias="promptVersion")
    usage: TokenUsage = Field(default_factory=TokenUsage)
    latency_ms: int = Field(default=0, ge=0, alias="latencyMs")
    fallback_reason: str | None = Field(default=None, alias="fallbackReason")


@cache
def draft_json_schema() -> dict[str, Any]:
    """The JSON schema of ``NoteDraft`` by its wire (camelCase) names, for ``response_format``.

    Built once per process and shared: callers read it and never change it.
    """
    return NoteDraft.model_json_schema(by_alias=True)


class GeneratedNote(BaseModel):
    """A validated draft with its provenance: what is cached, stored and shown."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    draft: NoteDraft
    provenance: Provenance

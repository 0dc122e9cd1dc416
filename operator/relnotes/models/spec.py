"""The ``spec`` of a ReleaseNote: what a user asks relnotes to write.

Field names and limits mirror ``crds/releasenotes.relnotes.io.yaml`` (a unit test keeps the two in
agreement), so a spec that passes the API server passes here, and ``relnotes render`` rejects the
same manifests ``kubectl apply`` would.
"""

from enum import StrEnum
from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from relnotes.models.text import clean_text, visible_characters

__all__ = [
    "MAX_LINKS",
    "MAX_SUMMARY",
    "MIN_SUMMARY",
    "Audience",
    "ReleaseNoteSpec",
    "Tone",
]

MIN_SUMMARY = 5
MAX_SUMMARY = 1000
MAX_LINKS = 5

Label = Annotated[
    str, StringConstraints(min_length=1, max_length=63, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/ -]*$")
]


class Tone(StrEnum):
    """How the note sounds; the writer changes verbs and framing, never facts."""

    NEUTRAL = "neutral"
    FORMAL = "formal"
    CASUAL = "casual"


class Audience(StrEnum):
    """Who reads the note; decides how much infrastructure detail it keeps."""

    ENGINEERS = "engineers"
    OPERATORS = "operators"
    CUSTOMERS = "customers"


class ReleaseNoteSpec(BaseModel):
    """A validated ReleaseNote spec, with the CRD's camelCase names as aliases."""

    model_config = ConfigDict(
        populate_by_name=True, extra="forbid", frozen=True, str_strip_whitespace=True
    )

    # The limits are checked on the text as written, as the API server checks them (in
    # ``_clean_summary``): NFKC folding may shorten or lengthen it afterwards.
    change_summary: str = Field(
        alias="changeSummary",
        description="Short free-text description of the infrastructure change.",
        json_schema_extra={"minLength": MIN_SUMMARY, "maxLength": MAX_SUMMARY},
    )
    tone: Tone = Field(default=Tone.NEUTRAL, description="Voice of the note.")
    audience: Audience = Field(default=Audience.ENGINEERS, description="Who reads the note.")
    component: Label | None = Field(default=None, description="Component that changed.")
    environment: Label | None = Field(default=None, description="Environment that changed.")
    version: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None, description="Release version the change ships in."
    )
    links: list[Annotated[AnyHttpUrl, Field(max_length=2048)]] = Field(
        default_factory=list, max_length=MAX_LINKS, description="Related URLs (PRs, tickets)."
    )
    test_scenarios: int = Field(
        default=3, alias="testScenarios", ge=2, le=3, description="How many test scenarios."
    )
    model: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = Field(
        default=None, description="Model name; the operator's default when unset."
    )

    @field_validator("change_summary", mode="before")
    @classmethod
    def _clean_summary(cls, value: object) -> object:
        """At most ``MAX_SUMMARY`` characters and at least ``MIN_SUMMARY`` visible ones, counted
        on the text as written (as the CRD's schema and CEL rule count them); then control and
        invisible characters are stripped."""
        if not isinstance(value, str):
            return value
        if len(value) > MAX_SUMMARY:
            raise ValueError(f"changeSummary must be at most {MAX_SUMMARY} characters")
        if visible_characters(value) < MIN_SUMMARY:
            raise ValueError(
                f"changeSummary must hold at least {MIN_SUMMARY} characters besides whitespace"
                " and invisible ones (letters, digits, punctuation or symbols)"
            )
        return clean_text(value)

    @field_validator("links", mode="before")
    @classmethod
    def _unique_links(cls, value: object) -> object:
        """Like the CRD's CEL rule, on the links as written: a repeated link is a paste error."""
        if isinstance(value, list):
            repeated = sorted({str(link) for link in value if value.count(link) > 1})
            if repeated:
                raise ValueError(f"links must be unique; repeated: {', '.join(repeated)}")
        return value

    def to_manifest(self) -> dict[str, object]:
        """The spec as the CRD stores it (camelCase, defaults included, JSON types)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

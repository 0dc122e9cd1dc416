"""The spec rejects what the CRD rejects, with the field and the limit in the message."""

import unicodedata

import pytest
from pydantic import ValidationError

from relnotes.models.spec import Audience, ReleaseNoteSpec, Tone


def test_defaults_fill_in_what_a_minimal_manifest_leaves_out() -> None:
    spec = ReleaseNoteSpec.model_validate({"changeSummary": "Enabled Multi-AZ on the prod RDS."})
    assert spec.tone is Tone.NEUTRAL
    assert spec.audience is Audience.ENGINEERS
    assert spec.test_scenarios == 3
    assert spec.to_manifest() == {
        "changeSummary": "Enabled Multi-AZ on the prod RDS.",
        "tone": "neutral",
        "audience": "engineers",
        "links": [],
        "testScenarios": 3,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("changeSummary", "abc", "at least 5 characters"),
        ("changeSummary", "x" * 1001, "at most 1000 characters"),
        ("tone", "angry", "'neutral', 'formal' or 'casual'"),
        ("testScenarios", 4, "less than or equal to 3"),
        ("testScenarios", 1, "greater than or equal to 2"),
        ("links", [f"https://example.com/{i}" for i in range(6)], "at most 5 items"),
        ("links", ["not a url"], "URL"),
        ("component", "x" * 64, "at most 63 characters"),
        ("unknown", "x", "Extra inputs are not permitted"),
    ],
)
def test_bad_values_name_the_field_and_the_limit(field: str, value: object, message: str) -> None:
    document = {"changeSummary": "Enabled Multi-AZ on the prod RDS.", field: value}
    with pytest.raises(ValidationError) as caught:
        ReleaseNoteSpec.model_validate(document)
    error = caught.value.errors()[0]
    assert error["loc"][0] == field
    assert message in error["msg"]


def test_invisible_and_control_characters_are_removed_before_the_length_check() -> None:
    hidden = "Up\u200bgraded\u202e Redis\x07 7.0 to 7.1\u2060"
    spec = ReleaseNoteSpec.model_validate({"changeSummary": hidden})
    assert spec.change_summary == "Upgraded Redis 7.0 to 7.1"
    with pytest.raises(ValidationError, match="at least 5 characters"):
        ReleaseNoteSpec.model_validate({"changeSummary": "ab\u200b\u200b\u200b\u200bc"})


def test_ascii_summaries_lose_exactly_the_control_characters() -> None:
    # ASCII text takes a fast path; it must drop what the Unicode rule drops (category Cc)
    # and keep everything else, tab and newline included.
    for code in range(128):
        char = chr(code)
        spec = ReleaseNoteSpec.model_validate({"changeSummary": f"Bumped{char}redis 7.2"})
        dropped = unicodedata.category(char) == "Cc" and char not in "\t\n"
        expected = "Bumpedredis 7.2" if dropped else f"Bumped{char}redis 7.2"
        assert spec.change_summary == expected.replace("\t", " "), repr(char)

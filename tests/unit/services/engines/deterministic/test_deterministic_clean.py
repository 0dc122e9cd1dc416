"""Normalising a change line: tool noise goes, information stays, verbs keep their action."""

import pytest

from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.engines.deterministic import write_draft
from relnotes.services.engines.deterministic.clean import clean


@pytest.mark.parametrize(
    ("line", "text", "scopes", "breaking"),
    [
        ("feat(vpc)!: add endpoint (#123)", "add endpoint", ("vpc",), True),
        (
            "fix(source): evaluate FQDN templates (#6611)",
            "evaluate FQDN templates",
            ("source",),
            False,
        ),
        (
            "chore(deps): bump github.com/stretchr/testify (#6649)",
            "bump github.com/stretchr/testify",
            (),
            False,
        ),
        (
            "[pdc-agent] add podAnnotations support (#4118)",
            "add podAnnotations support",
            ("pdc-agent",),
            False,
        ),
        ("feat(census) allow SSH in and out", "allow SSH in and out", ("census",), False),
        (
            "hydra: reduce eval worker memory to 4G",
            "reduce eval worker memory to 4G",
            ("hydra",),
            False,
        ),
        ("docs-rs ngwaf: handle redirects", "handle redirects", ("docs-rs ngwaf",), False),
        ("PROJ-42: rotate the key [skip ci]", "rotate the key", (), False),
        (":sparkles: add alarm ✨", "add alarm", (), False),
        (
            "⚠️ Removed the http_requests_total metric",
            "Removed the http_requests_total metric",
            (),
            True,
        ),
        ("BREAKING CHANGE: drop v1", "drop v1", (), True),
        (
            "cleanup: migrate settings - https://github.com/o/r/issues/4250#x (#566)",
            "migrate settings",
            (),
            False,
        ),
        (
            "Granted s3:GetObject on arn:aws:s3:::b/*",
            "Granted s3:GetObject on arn:aws:s3:::b/*",
            (),
            False,
        ),
        ("moved to eu-west-1", "moved to eu-west-1", (), False),
        ("Note: this is text", "Note: this is text", (), False),
    ],
)
def test_noise_goes_information_stays(
    line: str, text: str, scopes: tuple[str, ...], breaking: bool
) -> None:
    cleaned = clean(line)
    assert (cleaned.text, cleaned.scopes, cleaned.breaking) == (text, scopes, breaking)


@pytest.mark.parametrize(
    ("summary", "note"),
    [
        (
            "Roll back Python 3.8 upgrade for infra-fastly-logs",
            "Rolled back Python 3.8 upgrade for infra-fastly-logs.",
        ),
        (
            "hydra-proxy: catch and discard requests",
            "Caught and discarded requests in hydra-proxy.",
        ),
        ("Add alerts, logs and metrics", "Added alerts, logs and metrics."),
        ("flake.lock: Update", "Updated flake.lock."),
        ("[rollout-operator] bump to v0.38.1 (#4192)", "Bumped rollout-operator to v0.38.1."),
        ("Adds a CloudWatch alarm", "Added a CloudWatch alarm."),
        ("fix: typo in the README", "Fixed typo in the README."),
        ('Revert "Bump agent templates" (#7852)', 'Reverted "Bump agent templates".'),
        ("Drop ssh access to prod", "Dropped ssh access to production."),
        ("infra-prod-logs: rotate key", "Rotated key in infra-prod-logs."),
        ("redis 7.0 → 7.1", "Upgraded redis 7.0 → 7.1."),
        ("redis 7.1 → 7.0", "Downgraded redis 7.1 → 7.0."),
        ("Production EKS AMI patch (#2730)", "Production EKS AMI patch."),
    ],
)
def test_the_note_is_the_summary_normalised(summary: str, note: str) -> None:
    assert write_draft(ReleaseNoteSpec(change_summary=summary)).release_note == note


def test_context_is_woven_in_once() -> None:
    def note(summary: str, **fields: str) -> str:
        spec = ReleaseNoteSpec.model_validate({"changeSummary": summary, **fields})
        return write_draft(spec).release_note

    assert note("Rotated the key in production", environment="production") == (
        "Rotated the key in production."
    )
    assert note("Rotated the key", environment="staging", component="api", version="1.2") == (
        "Rotated the key in staging for api in 1.2."
    )
    assert note("api: rotated the key", component="api") == "Rotated the key in api."

"""Tone and audience: the wording changes, the facts do not (except internal ids for customers)."""

import re

import pytest

from relnotes.models.result import NoteDraft
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.engines.deterministic import write_draft

INTERNAL_IDS = {
    "CIDR": re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b"),
    "ARN": re.compile(r"\barn:aws", re.IGNORECASE),
    "instance class": re.compile(r"\b(?:db\.|cache\.)?[a-z]\w*\d\w*\.\d*x?large|\.micro|\.small"),
    "security group id": re.compile(r"\bsg-[0-9a-f]{8,}"),
    "IAM action": re.compile(r"\b[a-z0-9-]+:[A-Z][A-Za-z]+"),
}

TONE_CASES = [
    (
        "Resized the prod RDS instance from db.t3.micro to db.t3.small",
        ("db.t3.micro", "db.t3.small", "RDS", "production"),
    ),
    ("Upgrade EKS 1.29 to 1.30 on the staging cluster", ("1.29", "1.30", "EKS", "staging")),
    ("Enabled Multi-AZ on the production RDS instance", ("Multi-AZ", "RDS", "production")),
    (
        "Opened 443 from 10.0.0.0/16 on sg-0a1b2c3d4e5f67890 in prod",
        ("443", "10.0.0.0/16", "sg-0a1b2c3d4e5f67890", "production"),
    ),
    (
        "Lowered the TTL of api.example.com from 300 to 60 in Route 53",
        ("api.example.com", "300", "60"),
    ),
    (
        "Migrated prod EBS volumes from gp2 to gp3 with 3000 IOPS",
        ("gp2", "gp3", "3000 IOPS", "production"),
    ),
]

CUSTOMER_CASES = [
    # summary, identifiers that must not reach customers, words that carry the gist
    (
        "Resized the prod RDS instance from db.t3.micro to db.t3.small",
        ("instance class",),
        ("production", "rds", "larger"),
    ),
    (
        "Opened 443 from 10.0.0.0/16 on sg-0a1b2c3d4e5f67890 in prod",
        ("CIDR", "security group id"),
        ("production", "network range", "security group"),
    ),
    (
        "Restricted SSH to 203.0.113.0/24 on the bastion security group in prod",
        ("CIDR",),
        ("production", "network range", "bastion security group"),
    ),
    (
        "Granted s3:GetObject on arn:aws:s3:::reports-bucket/* to the IAM role ci-deployer "
        "in staging",
        ("ARN", "IAM action"),
        ("staging", "permission", "internal resource"),
    ),
    (
        "Right-sized prod EC2 from m5.2xlarge to m5.xlarge, saving 40%",
        ("instance class",),
        ("production", "smaller", "40%"),
    ),
    (
        "ElastiCache node type changed cache.t3.micro to cache.t3.medium in production",
        ("instance class",),
        ("production", "cache"),
    ),
    ("Enabled Multi-AZ on the production RDS instance", (), ("production", "multi-az")),
]


def _draft(summary: str, **fields: object) -> NoteDraft:
    return write_draft(ReleaseNoteSpec.model_validate({"changeSummary": summary, **fields}))


@pytest.mark.parametrize(("summary", "facts"), TONE_CASES)
def test_tones_differ_and_keep_facts(summary: str, facts: tuple[str, ...]) -> None:
    notes = {
        tone: _draft(summary, tone=tone).release_note for tone in ("neutral", "formal", "casual")
    }
    assert len(set(notes.values())) == 3, notes
    for tone, note in notes.items():
        for fact in facts:  # a formal sentence may open with the fact ("Production EBS ...")
            assert fact.lower() in note.lower(), f"{tone}: {fact!r} missing from {note!r}"


@pytest.mark.parametrize(("summary", "facts"), TONE_CASES)
def test_tone_shapes(summary: str, facts: tuple[str, ...]) -> None:
    assert _draft(summary, tone="casual").release_note.startswith("We ")
    neutral = _draft(summary, tone="neutral").release_note
    assert re.match(r"^[A-Z][a-z-]+ed\b|^Set\b", neutral), neutral
    formal = _draft(summary, tone="formal").release_note
    assert re.search(r"\b(?:was|were) [a-z-]+ed\b", formal), formal


@pytest.mark.parametrize(("summary", "facts"), TONE_CASES)
def test_scenarios_do_not_depend_on_tone(summary: str, facts: tuple[str, ...]) -> None:
    drafts = [_draft(summary, tone=tone) for tone in ("neutral", "formal", "casual")]
    assert drafts[0].test_scenarios == drafts[1].test_scenarios == drafts[2].test_scenarios
    assert drafts[0].risk == drafts[1].risk == drafts[2].risk


@pytest.mark.parametrize(("summary", "hidden", "gist"), CUSTOMER_CASES)
def test_customers_get_plain_language(
    summary: str, hidden: tuple[str, ...], gist: tuple[str, ...]
) -> None:
    for tone in ("neutral", "formal", "casual"):
        note = _draft(summary, audience="customers", tone=tone).release_note
        for kind in hidden:
            assert not INTERNAL_IDS[kind].search(note), f"{kind} leaked to customers: {note!r}"
        for word in gist:
            assert word in note.lower(), f"{word!r} missing from {note!r}"


@pytest.mark.parametrize(("summary", "hidden", "gist"), CUSTOMER_CASES)
def test_engineers_keep_identifiers(
    summary: str, hidden: tuple[str, ...], gist: tuple[str, ...]
) -> None:
    note = _draft(summary, audience="engineers").release_note
    for kind in hidden:
        assert INTERNAL_IDS[kind].search(note) or kind == "ARN", f"{kind} dropped: {note!r}"


@pytest.mark.parametrize(("summary", "facts"), TONE_CASES)
def test_operators_get_what_to_watch(summary: str, facts: tuple[str, ...]) -> None:
    note = _draft(summary, audience="operators").release_note
    assert "watch" in note or "keep an eye on" in note
    for fact in facts:
        assert fact in note
    engineers = _draft(summary, audience="engineers").release_note
    assert note != engineers


def test_component_and_version_are_kept() -> None:
    for tone in ("neutral", "formal", "casual"):
        note = _draft(
            "Upgraded RDS Postgres 15.4 -> 15.6 in production",
            tone=tone,
            component="billing-api",
            version="v2.14.0",
        ).release_note
        assert "billing-api" in note
        assert "v2.14.0" in note
        assert "15.4" in note
        assert "15.6" in note


def test_customers_still_hear_the_environment_from_the_spec() -> None:
    note = _draft(
        "Resized the orders RDS instance from db.m5.large to db.m6g.large",
        audience="customers",
        environment="eu-prod-2",
    ).release_note
    assert "eu-prod-2" in note
    assert ".large" not in note

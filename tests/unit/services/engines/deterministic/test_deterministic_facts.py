"""Fact extraction: the right kind, values copied verbatim, and the traps that look alike."""

import pytest

from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.engines.deterministic import ChangeKind, Facts, extract_facts, write_draft
from relnotes.services.engines.deterministic.facts import find_environment
from relnotes.services.engines.deterministic.services import find_service
from relnotes.services.engines.deterministic.verbs import find_verb, first_sentence


def _facts(summary: str, **fields: object) -> Facts:
    return extract_facts(ReleaseNoteSpec.model_validate({"changeSummary": summary, **fields}))


@pytest.mark.parametrize(
    ("summary", "kind", "old", "new"),
    [
        (
            "Resized db.t3.micro to db.t3.small",
            ChangeKind.INSTANCE_CLASS,
            "db.t3.micro",
            "db.t3.small",
        ),
        ("m5.large -> m6i.xlarge", ChangeKind.INSTANCE_CLASS, "m5.large", "m6i.xlarge"),
        ("Bumped the hosts from 2 vCPU to 4", ChangeKind.INSTANCE_CLASS, "2 vCPU", "4 vCPU"),
        ("Postgres 15.4 -> 15.6", ChangeKind.VERSION, "15.4", "15.6"),
        ("EKS 1.29 to 1.30", ChangeKind.VERSION, "1.29", "1.30"),
        ("redis 7.0 → 7.1", ChangeKind.VERSION, "7.0", "7.1"),
        ("Upgraded Postgres to 16 in staging", ChangeKind.VERSION, None, "16"),
        ("Scaled the app node group from 3 to 6 nodes", ChangeKind.SCALING, "3", "6"),
        ("replicas 2→4", ChangeKind.SCALING, "2", "4"),
        ("Scaled redis to 6 shards in prod", ChangeKind.SCALING, None, "6"),
        ("Increased the EKS cluster max nodes from 10 to 20", ChangeKind.SCALING, "10", "20"),
        ("Reduced the Kafka brokers from 6 to 3", ChangeKind.SCALING, "6", "3"),
        ("moved to eu-west-1", ChangeKind.REGION, None, "eu-west-1"),
        ("Migrated from us-east-1 to eu-central-1", ChangeKind.REGION, "us-east-1", "eu-central-1"),
        ("opened 443 from 10.0.0.0/16", ChangeKind.NETWORK_RULE, None, "10.0.0.0/16"),
        ("restricted SSH to 203.0.113.0/24", ChangeKind.NETWORK_RULE, None, "203.0.113.0/24"),
        ("gp2→gp3 on the EBS volumes", ChangeKind.STORAGE, "gp2", "gp3"),
        ("RDS storage 100 GiB → 200 GiB", ChangeKind.STORAGE, "100 GiB", "200 GiB"),
        ("Increased log retention from 7 to 30 days", ChangeKind.OBSERVABILITY, "7", "30 days"),
        ("Raised TLS 1.0 to TLS 1.2 on the ALB", ChangeKind.TLS, "TLS 1.0", "TLS 1.2"),
        (
            "Increased the Lambda memory from 512 MB to 1024 MB",
            ChangeKind.INSTANCE_CLASS,
            "512 MB",
            "1024 MB",
        ),
    ],
)
def test_kind_and_values(summary: str, kind: ChangeKind, old: str | None, new: str | None) -> None:
    found = _facts(summary).found
    assert found.kind is kind
    assert found.old == old
    assert found.new == new


@pytest.mark.parametrize(
    ("summary", "kind"),
    [
        ("enabled Multi-AZ", ChangeKind.TOGGLE),
        ("turned off public access", ChangeKind.TOGGLE),
        ("disable deletion protection", ChangeKind.TOGGLE),
        ("Lowered the Route 53 TTL of api.example.com from 300 to 60", ChangeKind.DNS),
        ("Renewed the ACM certificate for api.example.com", ChangeKind.TLS),
        ("Granted s3:GetObject to the IAM role ci-deployer", ChangeKind.IAM),
        ("Purchased a Compute Savings Plan", ChangeKind.COST),
        ("Moved the node group to spot", ChangeKind.COST),
        ("Added tags team=payments and cost-center=42", ChangeKind.TAGS),
        ("Added a CloudWatch alarm on CPUUtilization above 80%", ChangeKind.OBSERVABILITY),
        # Look-alikes that must not be misread.
        ("Enabled IRSA for the external-dns service account", ChangeKind.TOGGLE),
        ("Changed CloudFront TTL from 86400 to 3600", ChangeKind.UNKNOWN),
        ("Created an IAM policy on arn:aws:sqs:eu-west-1:123456789012:orders", ChangeKind.IAM),
        ("misc cleanup", ChangeKind.UNKNOWN),
    ],
)
def test_kind(summary: str, kind: ChangeKind) -> None:
    assert _facts(summary).kind is kind


def test_toggle_feature_and_state() -> None:
    found = _facts("Turned off public access for the S3 assets bucket").found
    assert (found.subject, found.enabled) == ("public access", False)
    found = _facts("Enabled encryption at rest with KMS").found
    assert (found.subject, found.enabled) == ("encryption at rest", True)


def test_network_rule_keeps_port_group_and_preposition() -> None:
    found = _facts("Opened port 22 to 0.0.0.0/0 on sg-0a1b2c3d4e5f67890").found
    assert found.subject == "port 22"
    assert found.name == "sg-0a1b2c3d4e5f67890"
    assert found.enabled is True
    # the preposition is no longer a fact field: the note keeps the summary's own wording
    assert (
        "to 0.0.0.0/0"
        in write_draft(
            ReleaseNoteSpec(change_summary="Opened port 22 to 0.0.0.0/0 on sg-0a1b2c3d4e5f67890")
        ).release_note
    )


def test_environment_from_text_and_spec() -> None:
    assert find_environment("resized the prod db") == "production"
    assert find_environment("on staging") == "staging"
    assert find_environment("dev cluster") == "development"
    assert find_environment("no environment here") is None
    # the word must name where the change happened, not describe something else
    assert find_environment("update staging image link in release notes") is None
    assert find_environment("Separate staging and prod zulip bots") is None
    assert find_environment("Drop ssh access to prod") == "production"
    assert find_environment("Production EKS AMI patch") == "production"
    assert _facts("resized the prod db", environment="eu-prod-2").environment == "eu-prod-2"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Resized the prod RDS instance", "RDS instance"),
        ("restricted SSH on the bastion security group", "bastion security group"),
        ("the prod ALB", "ALB"),
        ("the S3 assets bucket", "assets S3 bucket"),
        ("Scaled the app node group in EKS", "app EKS node group"),
        ("Set the ASG min size", "ASG"),
        ("Upgraded Postgres", "Postgres"),
        ("nothing to see", None),
    ],
)
def test_service_labels_are_verbatim(text: str, label: str | None) -> None:
    service = find_service(text)
    assert (service.label if service else None) == label


def test_verbs_become_past_tense() -> None:
    assert find_verb("Bumps redis") == "bumped"
    assert find_verb("applies the fix") == "applied"
    assert first_sentence("upgrade the thing. And more.") == "upgraded the thing"
    assert first_sentence("clean up old stuff") == "cleaned up old stuff"
    assert first_sentence("misc cleanup") == "misc cleanup"


@pytest.mark.parametrize(
    ("text", "allowed", "verb"),
    [
        ("Cleaned up stale snapshots", (), "cleaned up"),
        ("We RIGHT-SIZED the cache nodes", (), "right-sized"),
        ("right-sizes_v2 then scaled the pool", (), "scaled"),  # no boundary after "sizes"
        ("re-enable deletion protection", (), "enabled"),  # a hyphen is a word boundary
        ("cleanup2 and upgrades", (), "upgraded"),  # "cleanup2" is one word, not "clean up"
        ("Opened port 443 and upgraded the AMI", ("upgraded",), "upgraded"),
        ("the toolkit", (), None),
    ],
)
def test_the_first_known_verb_wins_whole_words_only(
    text: str, allowed: tuple[str, ...], verb: str | None
) -> None:
    assert find_verb(text, allowed) == verb

"""A real ``terraform apply`` + ``destroy`` of envs/dev against moto.

Why: validate and checkov read the code; only an apply proves the modules
compose (IDs flow between modules, for_each keys are plannable, the
outputs the manifests consume come out with the right shape) and only a
destroy proves teardown leaves nothing behind.

All traffic goes to a moto server on 127.0.0.1 that this module starts and
stops. The test copies terraform/ to a temp dir and adds a
``zz_test_override.tf`` (local backend, provider endpoints -> moto, fake
keys) plus a ``zz_test_settings_override.tf`` (TEST_VARS merged over the
root's ``settings``); the checkout is never touched.

Scope narrowed for moto gaps (moto 5.x), each named where it is applied:

* ElastiCache (``redis_create_elasticache = false``): moto lists the member
  clusters of a new replication group but never creates them as cache
  clusters, so the provider's post-create read fails (DescribeCacheClusters
  -> CacheClusterNotFound); DeleteReplicationGroup leaves the group
  "deleting" forever; DeleteCacheSubnetGroup is not implemented at all. Both
  would hang destroy, so the subnet group and replication group are left
  out. The Redis security group and auth-token secret are still applied and
  checked.
* Route 53 zone lookup (``create_dns_zone = true``): moto starts empty, so
  there is no existing public zone for the data source to find; the test
  exercises the create-zone path instead.
* ACM DNS validation: moto cannot resolve DNS; it marks a certificate ISSUED
  after MOTO_ACM_VALIDATION_WAIT seconds (0 here), which stands in for it.
* EKS: moto records clusters and node groups but launches no nodes, returns
  no cluster primary security group, and has no Kubernetes API; labels,
  taints and scaling bounds are checked as stored configuration only.
* IAM: AWS-managed policies (AmazonEKSClusterPolicy, ...) exist in moto only
  with MOTO_IAM_LOAD_MANAGED_POLICIES=true, which the moto fixture sets.
* Idempotency is not asserted: moto returns some attributes in another shape
  than AWS (e.g. a security group rule's referenced group as
  "<account>/sg-..."), so a second plan against moto is never empty.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.tools import missing_tool

from .moto_stack import MotoServer, moto_command, provider_override, settings_override, start_moto
from .tf_helpers import (
    INIT_TIMEOUT_S,
    OVERLAY_OUTPUTS,
    Terraform,
    copy_terraform_tree,
    settings_attributes,
)

# pytest-timeout (pyproject: 300 s per test) counts fixture setup; the apply
# alone takes ~2 min on 2 cores, the destroy as long.
pytestmark = pytest.mark.timeout(900)

APPLY_TIMEOUT_S = 420
DESTROY_TIMEOUT_S = 300
PREFIX = "d32-release-dev"
FAKE_ALB = {
    "dns_name": "k8s-relnotes-view-0123456789.ap-south-1.elb.amazonaws.com",
    "zone_id": "ZP97RAFLXTNZK",
}
# Attributes of the root's ``settings`` (modules/stack/variables.tf) the test changes.
TEST_VARS: dict[str, object] = {
    # moto gap: no pre-existing hosted zone to look up (see module docstring).
    "create_dns_zone": True,
    # moto gap: ElastiCache lifecycle (see module docstring).
    "redis_create_elasticache": False,
    # Exercise the alias record that is normally added once the Ingress exists.
    "view_alb": FAKE_ALB,
}


def test_test_vars_are_known_settings() -> None:
    """A misspelt TEST_VARS key would be dropped silently and widen the apply."""
    assert set(TEST_VARS) <= settings_attributes(), set(TEST_VARS) - settings_attributes()


@dataclass
class DevStack:
    """The applied dev root: its directory, outputs and the moto it lives in."""

    root: Path
    terraform: Terraform
    moto: MotoServer
    outputs: dict[str, Any] = field(default_factory=dict)
    destroyed: bool = False

    def destroy(self) -> subprocess.CompletedProcess[str]:
        """terraform destroy, once."""
        self.destroyed = True
        return self.terraform.run(
            ["destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"],
            self.root,
            DESTROY_TIMEOUT_S,
        )


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A private moto server, always stopped at the end of the module."""
    command = moto_command()
    if command is None:
        missing_tool("moto server not found (pip install 'moto[server]' or set MOTO_SERVER)")
    server = start_moto(command, tmp_path_factory.mktemp("moto"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def dev_stack(
    terraform: Terraform, moto: MotoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DevStack]:
    """envs/dev applied against moto; destroyed at the end if a test did not."""
    tree = copy_terraform_tree(tmp_path_factory.mktemp("tf-apply"))
    root = tree / "envs" / "dev"
    (root / "zz_test_override.tf").write_text(provider_override(moto.endpoint), encoding="utf-8")
    (root / "zz_test_settings_override.tf").write_text(
        settings_override(TEST_VARS), encoding="utf-8"
    )
    stack = DevStack(root=root, terraform=terraform, moto=moto)
    terraform.run(["init", "-input=false", "-no-color"], root, INIT_TIMEOUT_S)
    try:
        terraform.run(
            ["apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"],
            root,
            APPLY_TIMEOUT_S,
        )
        proc = terraform.run(["output", "-json", "-no-color"], root, 60)
        stack.outputs = {name: out["value"] for name, out in json.loads(proc.stdout).items()}
        yield stack
    finally:
        if not stack.destroyed:
            # Best effort: moto is stopped right after anyway.
            terraform.run(
                ["destroy", "-auto-approve", "-input=false", "-no-color"],
                root,
                DESTROY_TIMEOUT_S,
                check=False,
            )


def tags_of(items: list[dict[str, str]]) -> dict[str, str]:
    """AWS [{Key, Value}] tag lists as a dict."""
    return {item["Key"]: item["Value"] for item in items}


def test_outputs_for_the_aws_overlay(dev_stack: DevStack) -> None:
    """The overlay's contract: names, naming convention and ARN shapes."""
    out = dev_stack.outputs
    # Terraform leaves null outputs out of `terraform output -json`; the only
    # null one here is the Redis endpoint (ElastiCache narrowed for moto).
    assert set(out) == OVERLAY_OUTPUTS - {"redis_primary_endpoint"}
    assert out["cluster_name"] == f"{PREFIX}-eks"
    assert out["region"] == "ap-south-1"
    assert out["ecr_repository_url"].endswith(
        f".dkr.ecr.ap-south-1.amazonaws.com/{PREFIX}-relnotes"
    )
    for key, role in (
        ("operator_role_arn", "operator"),
        ("model_service_role_arn", "model-service"),
        ("view_role_arn", "view"),
        ("alb_controller_role_arn", "alb-controller"),
        ("external_secrets_role_arn", "external-secrets"),
    ):
        assert out[key].endswith(f":role/{PREFIX}-irsa-{role}"), key
    assert out["rds_endpoint"].startswith(f"{PREFIX}-pg.")
    assert out["rds_port"] == 5432
    assert out["rds_database_name"] == "relnotes"
    assert ":secretsmanager:ap-south-1:" in out["rds_master_secret_arn"]
    # redis_create_elasticache = false (moto gap): no endpoint, static port.
    assert out["redis_port"] == 6379
    assert f":secret:{PREFIX}/redis-auth-token-" in out["redis_auth_secret_arn"]
    assert f":secret:{PREFIX}/openai-api-key-" in out["openai_secret_arn"]
    assert out["acm_certificate_arn"].startswith("arn:aws:acm:ap-south-1:")
    assert out["view_hostname"] == f"{PREFIX}-api.rdhcloudlab.com"
    assert out["docs_bucket_name"].startswith(f"{PREFIX}-docs-")


def test_network(dev_stack: DevStack) -> None:
    """VPC 10.32.0.0/16, 2+2 subnets over 2 AZs with discovery tags, one NAT, flow logs."""
    ec2 = dev_stack.moto.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-vpc"]}])["Vpcs"]
    assert len(vpcs) == 1
    vpc = vpcs[0]
    assert vpc["CidrBlock"] == "10.32.0.0/16"
    assert tags_of(vpc["Tags"])["Project"] == "relnotes"
    assert tags_of(vpc["Tags"])["ManagedBy"] == "terraform"
    assert tags_of(vpc["Tags"])["Environment"] == "dev"

    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "Subnets"
    ]
    by_tier: dict[str, list[dict[str, Any]]] = {"public": [], "private": []}
    for subnet in subnets:
        by_tier[tags_of(subnet["Tags"])["Tier"]].append(subnet)
    for tier, role_tag in (
        ("public", "kubernetes.io/role/elb"),
        ("private", "kubernetes.io/role/internal-elb"),
    ):
        assert len(by_tier[tier]) == 2, tier
        assert {s["AvailabilityZone"] for s in by_tier[tier]} == {"ap-south-1a", "ap-south-1b"}
        for subnet in by_tier[tier]:
            tags = tags_of(subnet["Tags"])
            assert tags[role_tag] == "1"
            assert tags[f"kubernetes.io/cluster/{PREFIX}-eks"] == "shared"
            assert not subnet["MapPublicIpOnLaunch"]

    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "NatGateways"
    ]
    assert len([n for n in nats if n["State"] != "deleted"]) == 1, "dev uses a single NAT gateway"
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])[
        "FlowLogs"
    ]
    assert len(flow_logs) == 1
    assert flow_logs[0]["TrafficType"] == "ALL"

    default_sg = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]
    assert default_sg["IpPermissions"] == [], "the default security group must allow nothing"


def test_eks(dev_stack: DevStack) -> None:
    """Private endpoint, KMS secrets encryption, all control-plane logs, two node groups."""
    eks = dev_stack.moto.client("eks")
    cluster = eks.describe_cluster(name=f"{PREFIX}-eks")["cluster"]
    assert cluster["resourcesVpcConfig"]["endpointPrivateAccess"] is True
    assert cluster["resourcesVpcConfig"]["endpointPublicAccess"] is False
    assert cluster["encryptionConfig"][0]["resources"] == ["secrets"]
    assert cluster["encryptionConfig"][0]["provider"]["keyArn"].startswith("arn:aws:kms:")
    enabled = {
        t
        for entry in cluster["logging"]["clusterLogging"]
        if entry["enabled"]
        for t in entry["types"]
    }
    assert enabled == {"api", "audit", "authenticator", "controllerManager", "scheduler"}

    app = eks.describe_nodegroup(clusterName=f"{PREFIX}-eks", nodegroupName=f"{PREFIX}-ng-app")[
        "nodegroup"
    ]
    model = eks.describe_nodegroup(clusterName=f"{PREFIX}-eks", nodegroupName=f"{PREFIX}-ng-model")[
        "nodegroup"
    ]
    assert app["labels"] == {"role": "app"}
    assert not app.get("taints")
    assert model["labels"] == {"role": "model"}
    assert model["taints"] == [{"key": "workload", "value": "model", "effect": "NO_SCHEDULE"}]
    assert model["scalingConfig"]["minSize"] == 0, "the model group must be able to scale to zero"
    assert model["instanceTypes"] != app["instanceTypes"]
    assert model["launchTemplate"]["id"] != app["launchTemplate"]["id"]

    ec2 = dev_stack.moto.client("ec2")
    template = ec2.describe_launch_template_versions(
        LaunchTemplateId=model["launchTemplate"]["id"]
    )["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    assert template["MetadataOptions"]["HttpTokens"] == "required"
    assert template["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True

    iam = dev_stack.moto.client("iam")
    providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    issuer = cluster["identity"]["oidc"]["issuer"].removeprefix("https://")
    assert any(p["Arn"].endswith(f":oidc-provider/{issuer}") for p in providers)


def test_irsa_trust_is_per_service_account(dev_stack: DevStack) -> None:
    """Each role is assumable by exactly one Kubernetes service account."""
    iam = dev_stack.moto.client("iam")
    expected = {
        "operator": "system:serviceaccount:relnotes:relnotes-operator",
        "model-service": "system:serviceaccount:relnotes:relnotes-model-service",
        "view": "system:serviceaccount:relnotes:relnotes-view",
        "alb-controller": "system:serviceaccount:kube-system:aws-load-balancer-controller",
        "external-secrets": "system:serviceaccount:external-secrets:external-secrets",
    }
    for role, subject in expected.items():
        doc = iam.get_role(RoleName=f"{PREFIX}-irsa-{role}")["Role"]["AssumeRolePolicyDocument"]
        if isinstance(doc, str):
            doc = json.loads(doc)
        (statement,) = doc["Statement"]
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        conditions = statement["Condition"]["StringEquals"]
        assert [v for k, v in conditions.items() if k.endswith(":sub")] == [subject]
        assert [v for k, v in conditions.items() if k.endswith(":aud")] == ["sts.amazonaws.com"]


def test_irsa_secret_access_is_least_privilege(dev_stack: DevStack) -> None:
    """operator and model-service can read only their own secrets."""
    iam = dev_stack.moto.client("iam")
    out = dev_stack.outputs

    def readable(role: str) -> set[str]:
        doc = iam.get_role_policy(RoleName=f"{PREFIX}-irsa-{role}", PolicyName="read-secrets")[
            "PolicyDocument"
        ]
        if isinstance(doc, str):
            doc = json.loads(doc)
        (read,) = [s for s in doc["Statement"] if s.get("Sid") == "ReadOwnSecrets"]
        resources = read["Resource"]
        return {resources} if isinstance(resources, str) else set(resources)

    assert readable("operator") == {out["rds_master_secret_arn"], out["redis_auth_secret_arn"]}
    assert readable("model-service") == {out["openai_secret_arn"]}
    names = iam.list_role_policies(RoleName=f"{PREFIX}-irsa-view")["PolicyNames"]
    assert "read-secrets" not in names, "the view needs no secret"


def test_data_stores_are_private_and_encrypted(dev_stack: DevStack) -> None:
    """RDS/Redis admit only the node security group; RDS manages its own password."""
    rds = dev_stack.moto.client("rds")
    db = rds.describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-pg")["DBInstances"][0]
    assert db["PubliclyAccessible"] is False
    assert db["StorageEncrypted"] is True
    assert db["BackupRetentionPeriod"] >= 7
    assert db["DeletionProtection"] is False, "dev can be torn down"
    assert db["MasterUserSecret"]["SecretArn"] == dev_stack.outputs["rds_master_secret_arn"]

    ec2 = dev_stack.moto.client("ec2")
    node_sg = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-eks-node"]}]
    )["SecurityGroups"][0]["GroupId"]
    for name, port in ((f"{PREFIX}-pg-sg", 5432), (f"{PREFIX}-redis-sg", 6379)):
        sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])[
            "SecurityGroups"
        ][0]
        (rule,) = sg["IpPermissions"]
        assert (rule["FromPort"], rule["ToPort"]) == (port, port)
        assert rule["IpRanges"] == []
        assert rule.get("Ipv6Ranges", []) == []
        assert [pair["GroupId"] for pair in rule["UserIdGroupPairs"]] == [node_sg]

    secrets = dev_stack.moto.client("secretsmanager")
    token = secrets.describe_secret(SecretId=dev_stack.outputs["redis_auth_secret_arn"])
    assert token["KmsKeyId"], "the auth token is encrypted with the customer key"
    openai = secrets.describe_secret(SecretId=dev_stack.outputs["openai_secret_arn"])
    assert not openai.get("VersionIdsToStages"), "the OpenAI key value is set outside Terraform"


def test_docs_bucket_and_ecr(dev_stack: DevStack) -> None:
    """Bucket: versioned, KMS, no public access, TLS-only, lifecycle. ECR: immutable, scanned."""
    s3 = dev_stack.moto.client("s3")
    bucket = dev_stack.outputs["docs_bucket_name"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    assert len(block) == 4
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert any(
        st["Effect"] == "Deny"
        and st["Condition"].get("Bool", {}).get("aws:SecureTransport") == "false"
        for st in policy["Statement"]
    )
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]

    ecr = dev_stack.moto.client("ecr")
    repo = ecr.describe_repositories(repositoryNames=[f"{PREFIX}-relnotes"])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    assert ecr.get_lifecycle_policy(repositoryName=f"{PREFIX}-relnotes")["lifecyclePolicyText"]


def test_dns_and_certificate(dev_stack: DevStack) -> None:
    """The certificate is DNS-validated and issued; the view host aliases the ALB."""
    acm = dev_stack.moto.client("acm")
    cert = acm.describe_certificate(CertificateArn=dev_stack.outputs["acm_certificate_arn"])[
        "Certificate"
    ]
    assert cert["DomainName"] == f"{PREFIX}-api.rdhcloudlab.com"
    assert cert["Status"] == "ISSUED"

    route53 = dev_stack.moto.client("route53")
    zone = route53.list_hosted_zones_by_name(DNSName="rdhcloudlab.com")["HostedZones"][0]
    records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    view = [
        r
        for r in records
        if r["Name"].rstrip(".") == f"{PREFIX}-api.rdhcloudlab.com" and r["Type"] == "A"
    ]
    assert len(view) == 1
    assert view[0]["AliasTarget"]["DNSName"].rstrip(".") == FAKE_ALB["dns_name"]
    assert any(r["Type"] == "CNAME" for r in records), "ACM validation record"


def leftovers(moto: MotoServer) -> dict[str, list[str]]:
    """Everything the dev root could have created that is still in moto."""
    ec2 = moto.client("ec2")
    found: dict[str, list[str]] = {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")],
        "nat_gateways": [
            n["NatGatewayId"]
            for n in ec2.describe_nat_gateways()["NatGateways"]
            if n["State"] != "deleted"
        ],
        "elastic_ips": [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]],
        "launch_templates": [
            t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]
        ],
        "buckets": [b["Name"] for b in moto.client("s3").list_buckets()["Buckets"]],
        "eks_clusters": moto.client("eks").list_clusters()["clusters"],
        "ecr_repositories": [
            r["repositoryName"] for r in moto.client("ecr").describe_repositories()["repositories"]
        ],
        "db_instances": [
            d["DBInstanceIdentifier"]
            for d in moto.client("rds").describe_db_instances()["DBInstances"]
        ],
        "secrets": [s["Name"] for s in moto.client("secretsmanager").list_secrets()["SecretList"]],
        "hosted_zones": [
            z["Name"] for z in moto.client("route53").list_hosted_zones()["HostedZones"]
        ],
        "log_groups": [
            g["logGroupName"] for g in moto.client("logs").describe_log_groups()["logGroups"]
        ],
        "iam_roles": [
            r["RoleName"]
            for r in moto.client("iam").list_roles()["Roles"]
            if r["RoleName"].startswith(PREFIX)
        ],
        "oidc_providers": [
            p["Arn"]
            for p in moto.client("iam").list_open_id_connect_providers()[
                "OpenIDConnectProviderList"
            ]
        ],
        "cache_subnet_groups": [
            g["CacheSubnetGroupName"]
            for g in moto.client("elasticache").describe_cache_subnet_groups()["CacheSubnetGroups"]
            if g["CacheSubnetGroupName"] != "default"
        ],
        "certificates": [
            c["CertificateArn"]
            for c in moto.client("acm").list_certificates()["CertificateSummaryList"]
        ],
    }
    kms = moto.client("kms")
    found["kms_keys_enabled"] = [
        k["KeyId"]
        for k in kms.list_keys()["Keys"]
        if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    ]
    return {kind: names for kind, names in found.items() if names}


def test_zz_destroy_leaves_nothing_behind(dev_stack: DevStack) -> None:
    """Runs last in this module (pytest keeps file order): destroy, then inventory moto."""
    assert leftovers(dev_stack.moto), "sanity: the apply must have created something"
    dev_stack.destroy()
    assert leftovers(dev_stack.moto) == {}


def test_bootstrap_state_store_applies_and_refuses_destroy(
    terraform: Terraform, moto: MotoServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The bootstrap root creates a versioned, KMS-encrypted, TLS-only state
    bucket and a locked-down lock table, and will not destroy them.

    Runs after the dev inventory above (same moto), so its resources do not
    count as dev leftovers; moto is stopped at the end of the module.
    """
    root = copy_terraform_tree(tmp_path_factory.mktemp("tf-bootstrap")) / "bootstrap"
    (root / "zz_test_override.tf").write_text(provider_override(moto.endpoint), encoding="utf-8")
    terraform.run(["init", "-input=false", "-no-color"], root, INIT_TIMEOUT_S)
    terraform.run(["apply", "-auto-approve", "-input=false", "-no-color"], root, APPLY_TIMEOUT_S)
    proc = terraform.run(["output", "-json", "-no-color"], root, 60)
    out = {name: value["value"] for name, value in json.loads(proc.stdout).items()}
    bucket = out["state_bucket_name"]
    assert bucket == "d32-release-tfstate-123456789012"
    assert f'bucket     = "{bucket}"' in out["backend_hcl"]

    s3 = moto.client("s3")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == out["state_kms_key_arn"]
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert "aws:SecureTransport" in s3.get_bucket_policy(Bucket=bucket)["Policy"]

    dynamodb = moto.client("dynamodb")
    table = dynamodb.describe_table(TableName="d32-release-tflock")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "LockID", "KeyType": "HASH"}]
    assert table["DeletionProtectionEnabled"] is True
    assert table["SSEDescription"]["Status"] == "ENABLED"
    backups = dynamodb.describe_continuous_backups(TableName="d32-release-tflock")
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"

    refused = terraform.run(
        ["destroy", "-auto-approve", "-input=false", "-no-color"], root, 120, check=False
    )
    assert refused.returncode != 0
    assert "prevent_destroy" in refused.stderr + refused.stdout

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
* EKS access entries, managed add-ons and the node groups' Auto Scaling
  groups (which get the autoscaler's node-template tags): moto implements
  none of them, so the test's copy of modules/eks gets an override file
  (MOTO_GAP_OVERRIDES) that gives those resources an empty for_each;
  terraform/tests/eks.tftest.hcl asserts them against a mocked provider. The
  same file ignores two attributes moto does not store or invents (see
  there), which would otherwise force replacements.
* Idempotency: the second plan after the apply may only change what
  MOTO_DRIFT lists, each with the moto behaviour that causes it; any other
  change is a configuration that does not converge and fails the test.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from .moto_stack import MotoServer, provider_override, settings_override
from .tf_helpers import (
    INIT_TIMEOUT_S,
    OVERLAY_OUTPUTS,
    TERRAFORM_DIR,
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
    # dev has none (below break-even); exercise prod's interface endpoints.
    "interface_endpoints": ["ecr.api", "ecr.dkr", "sts", "secretsmanager"],
}
# moto gap: no EKS access entry or add-on API (see module docstring).
MOTO_GAP_OVERRIDES = """# Written by tests/terraform: never commit.
resource "aws_eks_access_entry" "admin" {
  for_each = {}
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = {}
}

resource "aws_eks_addon" "before_nodes" {
  for_each = {}
}

resource "aws_eks_addon" "after_nodes" {
  for_each = {}
}

# moto's EKS names an Auto Scaling group for each node group but does not
# create it, so tagging it fails; eks.tftest.hcl asserts these tags.
resource "aws_autoscaling_group_tag" "node_template" {
  for_each = {}
}

# moto stores no accessConfig: read back empty, it would force a new cluster.
resource "aws_eks_cluster" "this" {
  lifecycle {
    ignore_changes = [access_config]
  }
}

# moto invents remoteAccess (ssh key "eksKeypair") for every node group, which
# forces a replacement (and AWS refuses it next to a launch template).
resource "aws_eks_node_group" "this" {
  lifecycle {
    ignore_changes = [remote_access]
  }
}
"""
# What the second plan may change ('<actions>: <attributes>'), and the moto
# behaviour behind each change.
_LT = "moto returns an extra tag_specifications block (resource_type launch-template) it made up"
_NG = (
    "moto returns no updateConfig, and the launch template version follows the template's "
    "moto-made new version (above)"
)
_SG = (
    'moto returns a referenced group as "<account>/sg-..." (AWS: "sg-...") and drops the '
    "rule's description"
)
MOTO_DRIFT: dict[str, tuple[str, str]] = {
    'module.stack.module.eks.aws_launch_template.node["app"]': (
        "update: default_version, latest_version, tag_specifications",
        _LT,
    ),
    'module.stack.module.eks.aws_launch_template.node["model"]': (
        "update: default_version, latest_version, tag_specifications",
        _LT,
    ),
    'module.stack.module.eks.aws_eks_node_group.this["app"]': (
        "update: launch_template, update_config",
        _NG,
    ),
    'module.stack.module.eks.aws_eks_node_group.this["model"]': (
        "update: launch_template, update_config",
        _NG,
    ),
    "module.stack.module.rds.aws_db_parameter_group.this": (
        "update: parameter",
        "moto's DescribeDBParameters does not return the group's user parameters",
    ),
    'module.stack.module.rds.aws_vpc_security_group_ingress_rule.from_nodes["eks_nodes"]': (
        "update: description, referenced_security_group_id",
        _SG,
    ),
    'module.stack.module.redis.aws_vpc_security_group_ingress_rule.from_nodes["eks_nodes"]': (
        "update: description, referenced_security_group_id",
        _SG,
    ),
}
MOTO_DRIFT_CHANGES = {address: change for address, (change, _) in MOTO_DRIFT.items()}
# IRSA roles: the actions each may call (inline policies) and the AWS-managed
# policies attached to it. Exactly these: a new grant must be added here, by
# someone who read the code that calls it.
IRSA_ALLOWED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # Secrets arrive as files from External Secrets; no AWS call.
    "operator": (frozenset(), frozenset()),
    "model-service": (frozenset(), frozenset()),
    "view": (frozenset(), frozenset()),
    # `relnotes export s3://<docs bucket>/<prefix>` puts objects, nothing else.
    "export": (frozenset({"s3:PutObject", "kms:GenerateDataKey"}), frozenset()),
    "external-secrets": (
        frozenset(
            {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "kms:Decrypt"}
        ),
        frozenset(),
    ),
    "cluster-autoscaler": (
        frozenset(
            {
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "autoscaling:DescribeTags",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
                "eks:DescribeNodegroup",
                "autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup",
            }
        ),
        frozenset(),
    ),
    "vpc-cni": (frozenset(), frozenset({"AmazonEKS_CNI_Policy"})),
    "ebs-csi": (frozenset(), frozenset({"AmazonEBSCSIDriverPolicy"})),
}
# The AWS Load Balancer Controller's policy is upstream's; its mutating calls
# are checked for the cluster tag condition below, its action list is not
# repeated here.
ALB_CONTROLLER = "alb-controller"


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
    apply_log: str = ""
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
    (tree / "modules" / "eks" / "zz_test_moto_gaps_override.tf").write_text(
        MOTO_GAP_OVERRIDES, encoding="utf-8"
    )
    stack = DevStack(root=root, terraform=terraform, moto=moto)
    terraform.run(["init", "-input=false", "-no-color"], root, INIT_TIMEOUT_S)
    try:
        applied = terraform.run(
            ["apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"],
            root,
            APPLY_TIMEOUT_S,
        )
        stack.apply_log = applied.stdout + applied.stderr
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
    assert OVERLAY_OUTPUTS - {"redis_primary_endpoint"} <= set(out)
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


def test_outputs_for_bring_up(dev_stack: DevStack) -> None:
    """What the controllers' installs need comes out of Terraform, ready to use."""
    out = dev_stack.outputs
    vpc_id = out["vpc_id"]
    assert vpc_id.startswith("vpc-")
    assert out["cluster_version"] == "1.33"
    assert out["node_group_names"] == {"app": f"{PREFIX}-ng-app", "model": f"{PREFIX}-ng-model"}
    assert out["export_role_arn"].endswith(f":role/{PREFIX}-irsa-export")
    autoscaler_role = out["cluster_autoscaler_role_arn"]
    assert autoscaler_role.endswith(f":role/{PREFIX}-irsa-cluster-autoscaler")

    values = {name: yaml.safe_load(text) for name, text in out["helm_values"].items()}
    alb = values["aws_load_balancer_controller"]
    assert (alb["clusterName"], alb["region"], alb["vpcId"]) == (
        f"{PREFIX}-eks",
        "ap-south-1",
        vpc_id,
    )
    assert alb["serviceAccount"]["name"] == "aws-load-balancer-controller"
    assert (
        alb["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"]
        == (out["alb_controller_role_arn"])
    )
    eso = values["external_secrets"]  # the controller has no role: the SecretStore's account does
    assert "eks.amazonaws.com/role-arn" not in str(eso)
    autoscaler = values["cluster_autoscaler"]
    assert autoscaler["autoDiscovery"]["clusterName"] == f"{PREFIX}-eks"
    assert autoscaler["image"]["tag"] == "v1.33.0"
    sa = autoscaler["rbac"]["serviceAccount"]
    assert sa["name"] == "cluster-autoscaler"
    assert sa["annotations"]["eks.amazonaws.com/role-arn"] == autoscaler_role
    for controller in values.values():
        assert controller["nodeSelector"] == {"role": "app"}, "controllers stay off model nodes"

    # The README's bring-up steps read exactly these outputs and keys.
    readme = (TERRAFORM_DIR / "README.md").read_text(encoding="utf-8")
    assert set(re.findall(r"helm_values \| jq -r \.(\w+)", readme)) == set(values)
    assert set(re.findall(r"node_group_names \| jq -r \.(\w+)", readme)) <= set(
        out["node_group_names"]
    )
    bootstrap = (TERRAFORM_DIR / "bootstrap" / "outputs.tf").read_text(encoding="utf-8")
    known = set(out) | set(re.findall(r'^output "(\w+)"', bootstrap, re.MULTILINE))
    for name in re.findall(r"terraform output (?:-raw|-json) (\w+)", readme):
        assert name in known, f"terraform/README.md reads an output that does not exist: {name}"


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
    assert tags_of(vpc["Tags"])["Owner"] == "platform-team"

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

    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "VpcEndpoints"
    ]
    by_service = {e["ServiceName"].removeprefix("com.amazonaws.ap-south-1."): e for e in endpoints}
    assert set(by_service) == {"s3", *TEST_VARS["interface_endpoints"]}  # type: ignore[misc]
    assert by_service["s3"]["VpcEndpointType"] == "Gateway"
    route_tables = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "tag:Name", "Values": [f"{PREFIX}-private-*"]},
        ]
    )["RouteTables"]
    assert set(by_service["s3"]["RouteTableIds"]) == {t["RouteTableId"] for t in route_tables}
    private_ids = {s["SubnetId"] for s in by_tier["private"]}
    for name in TEST_VARS["interface_endpoints"]:  # type: ignore[attr-defined]
        endpoint = by_service[name]
        assert endpoint["VpcEndpointType"] == "Interface"
        assert endpoint["PrivateDnsEnabled"] is True
        assert set(endpoint["SubnetIds"]) == private_ids


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
    node_policies = {
        p["PolicyName"]
        for p in iam.list_attached_role_policies(RoleName=f"{PREFIX}-eks-node")["AttachedPolicies"]
    }
    assert node_policies == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonSSMManagedInstanceCore",
    }, "the CNI policy belongs to the vpc-cni IRSA role, not to every pod's node"
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
        "export": "system:serviceaccount:relnotes:relnotes-export",
        "alb-controller": "system:serviceaccount:kube-system:aws-load-balancer-controller",
        "external-secrets": "system:serviceaccount:relnotes:relnotes-secret-store",
        "cluster-autoscaler": "system:serviceaccount:kube-system:cluster-autoscaler",
        "vpc-cni": "system:serviceaccount:kube-system:aws-node",
        "ebs-csi": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
    }
    roles = {
        r["RoleName"].removeprefix(f"{PREFIX}-irsa-")
        for r in iam.list_roles()["Roles"]
        if r["RoleName"].startswith(f"{PREFIX}-irsa-")
    }
    assert roles == set(expected)
    for role, subject in expected.items():
        doc = iam.get_role(RoleName=f"{PREFIX}-irsa-{role}")["Role"]["AssumeRolePolicyDocument"]
        if isinstance(doc, str):
            doc = json.loads(doc)
        (statement,) = doc["Statement"]
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        conditions = statement["Condition"]["StringEquals"]
        assert [v for k, v in conditions.items() if k.endswith(":sub")] == [subject]
        assert [v for k, v in conditions.items() if k.endswith(":aud")] == ["sts.amazonaws.com"]


def inline_statements(iam: Any, role: str) -> list[dict[str, Any]]:
    """Every statement of the inline policies of an IRSA role."""
    name = f"{PREFIX}-irsa-{role}"
    statements: list[dict[str, Any]] = []
    for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        statements.extend(doc["Statement"])
    return statements


def as_set(value: str | list[str]) -> set[str]:
    """An IAM Action/Resource field (string or list) as a set."""
    return {value} if isinstance(value, str) else set(value)


def test_irsa_actions_are_exactly_the_allow_list(dev_stack: DevStack) -> None:
    """Each role may call exactly what the code behind it calls (IRSA_ALLOWED)."""
    iam = dev_stack.moto.client("iam")
    for role, (actions, managed) in IRSA_ALLOWED.items():
        statements = inline_statements(iam, role)
        granted = set().union(*(as_set(s["Action"]) for s in statements)) if statements else set()
        assert granted == actions, role
        assert all(s["Effect"] == "Allow" and "NotAction" not in s for s in statements), role
        attached = {
            p["PolicyName"]
            for p in iam.list_attached_role_policies(RoleName=f"{PREFIX}-irsa-{role}")[
                "AttachedPolicies"
            ]
        }
        assert attached == managed, role


def test_irsa_resources_are_relnotes_own(dev_stack: DevStack) -> None:
    """Secrets: relnotes' three; docs: objects of the docs bucket; the
    autoscaler mutates only ASGs this cluster owns; the load balancer
    controller's security-group, load-balancer and target-group mutations
    carry this cluster's tag."""
    iam = dev_stack.moto.client("iam")
    out = dev_stack.outputs
    (read,) = [
        s for s in inline_statements(iam, "external-secrets") if s["Sid"] == "ReadRelnotesSecrets"
    ]
    assert as_set(read["Resource"]) == {
        out["rds_master_secret_arn"],
        out["redis_auth_secret_arn"],
        out["openai_secret_arn"],
    }
    for role, service in (("external-secrets", "secretsmanager"), ("export", "s3")):
        for statement in inline_statements(iam, role):
            if any(a.startswith("kms:") for a in as_set(statement["Action"])):
                via = statement["Condition"]["StringEquals"]["kms:ViaService"]
                assert via == f"{service}.ap-south-1.amazonaws.com", role
    (put,) = [s for s in inline_statements(iam, "export") if s["Sid"] == "WriteExport"]
    assert as_set(put["Resource"]) == {f"arn:aws:s3:::{out['docs_bucket_name']}/*"}

    (scale,) = [
        s for s in inline_statements(iam, "cluster-autoscaler") if s["Sid"] == "ScaleOwnGroups"
    ]
    tag = f"aws:ResourceTag/k8s.io/cluster-autoscaler/{PREFIX}-eks"
    assert scale["Condition"]["StringEquals"] == {tag: "owned"}

    (attached,) = iam.list_attached_role_policies(RoleName=f"{PREFIX}-irsa-{ALB_CONTROLLER}")[
        "AttachedPolicies"
    ]
    version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
    doc = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)[
        "PolicyVersion"
    ]["Document"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    by_sid = {s.get("Sid"): s for s in doc["Statement"]}
    for sid in ("ManageOwnSecurityGroups", "CreateLoadBalancers", "ModifyOwnLoadBalancers"):
        conditions = by_sid[sid]["Condition"]["StringEquals"]
        assert f"{PREFIX}-eks" in conditions.values(), sid


def test_data_stores_are_private_and_encrypted(dev_stack: DevStack) -> None:
    """RDS/Redis admit only the node security group; RDS manages its own password."""
    rds = dev_stack.moto.client("rds")
    db = rds.describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-pg")["DBInstances"][0]
    assert db["PubliclyAccessible"] is False
    assert db["StorageEncrypted"] is True
    assert db["BackupRetentionPeriod"] >= 7
    assert db["DeletionProtection"] is False, "dev can be torn down"
    assert db["MasterUserSecret"]["SecretArn"] == dev_stack.outputs["rds_master_secret_arn"]
    assert db["EngineVersion"].split(".")[0] == "16"
    assert db["AutoMinorVersionUpgrade"] is True
    exported = sorted(db["EnabledCloudwatchLogsExports"])
    assert exported == ["postgresql", "upgrade"]

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
    value = secrets.get_secret_value(SecretId=dev_stack.outputs["redis_auth_secret_arn"])
    assert len(value["SecretString"]) == 64, "the token is written (write-only) at apply"

    logs = dev_stack.moto.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix=f"/aws/rds/instance/{PREFIX}-pg/")[
        "logGroups"
    ]
    assert sorted(g["logGroupName"].rsplit("/", 1)[1] for g in groups) == exported
    for group in groups:
        assert group["retentionInDays"] == 365
        assert group["kmsKeyId"].startswith("arn:aws:kms:ap-south-1:")
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


@dataclass(frozen=True)
class Replan:
    """The second plan after the apply: as printed, and as JSON."""

    text: str
    data: dict[str, Any]


@pytest.fixture(scope="module")
def replan(dev_stack: DevStack, tmp_path_factory: pytest.TempPathFactory) -> Replan:
    """One plan after the apply, shared by the leak grep and the drift check."""
    plan = tmp_path_factory.mktemp("replan") / "replan.tfplan"
    planned = dev_stack.terraform.run(
        ["plan", "-input=false", "-no-color", "-out", str(plan)], dev_stack.root, 300
    )
    shown = dev_stack.terraform.run(["show", "-json", "-no-color", str(plan)], dev_stack.root, 60)
    return Replan(text=planned.stdout + planned.stderr, data=json.loads(shown.stdout))


def test_redis_token_is_in_no_output_state_or_log(dev_stack: DevStack, replan: Replan) -> None:
    """The AUTH token (read from Secrets Manager) appears nowhere Terraform
    writes: apply log, plan, `terraform show` (human and JSON, which includes
    sensitive values), outputs, the state file itself."""
    secrets = dev_stack.moto.client("secretsmanager")
    token = secrets.get_secret_value(SecretId=dev_stack.outputs["redis_auth_secret_arn"])[
        "SecretString"
    ]
    assert len(token) == 64
    tf = dev_stack.terraform
    texts = {
        "apply": dev_stack.apply_log,
        "plan": replan.text,
        "plan -json": json.dumps(replan.data),
        "show": tf.run(["show", "-no-color"], dev_stack.root, 60).stdout,
        "show -json": tf.run(["show", "-json", "-no-color"], dev_stack.root, 60).stdout,
        "output -json": tf.run(["output", "-json", "-no-color"], dev_stack.root, 60).stdout,
        "state file": (dev_stack.root / "terraform.tfstate").read_text(encoding="utf-8"),
    }
    assert len(texts["state file"]) > 10_000, "sanity: the state holds the stack"
    leaked = [where for where, text in texts.items() if token in text]
    assert not leaked, f"the Redis AUTH token is in: {leaked}"


def has_unknown(marks: object) -> bool:
    """Whether an ``after_unknown`` subtree marks any value as unknown."""
    if isinstance(marks, dict):
        return any(has_unknown(v) for v in marks.values())
    if isinstance(marks, list):
        return any(has_unknown(v) for v in marks)
    return marks is True


def drift_of(change: dict[str, Any]) -> str:
    """'<actions>: <attributes that change>' of one planned resource change."""
    before = change.get("before") or {}
    after = change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    keys = sorted(
        key
        for key in set(before) | set(after)
        if has_unknown(unknown.get(key))
        or (before.get(key) != after.get(key) and not has_unknown(unknown.get(key)))
    )
    return f"{'/'.join(change['actions'])}: {', '.join(keys)}"


def test_second_plan_changes_only_what_moto_causes(replan: Replan) -> None:
    """Apply converges: a second plan changes nothing but MOTO_DRIFT."""
    changes = {
        change["address"]: drift_of(change["change"])
        for change in replan.data.get("resource_changes", [])
        if change["change"]["actions"] not in (["no-op"], ["read"])
    }
    assert changes == MOTO_DRIFT_CHANGES, json.dumps(changes, indent=1, sort_keys=True)


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
        "vpc_endpoints": [
            e["VpcEndpointId"]
            for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
            if e["State"] != "deleted"
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

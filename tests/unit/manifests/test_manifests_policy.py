"""Policy over the rendered manifests: what production on EKS relies on, checked offline.

These are the rules a reviewer would otherwise check by eye on every change: hardened pods,
the app / model node-group split, no secrets in git, default-deny networking, the HTTPS ALB,
references that resolve, and the ArgoCD ordering of the migration Job.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.aws_overlay import read_env

Manifest = dict[str, Any]
Pods = dict[str, list[tuple[Manifest, Manifest]]]
Rendered = dict[str, list[Manifest]]

REPO = Path(__file__).resolve().parents[3]
OUTPUTS_TF = REPO / "terraform" / "envs" / "dev" / "outputs.tf"

TERRAFORM_OUTPUTS = {
    "cluster_name",
    "region",
    "ecr_repository_url",
    "operator_role_arn",
    "model_service_role_arn",
    "view_role_arn",
    "export_role_arn",
    "alb_controller_role_arn",
    "external_secrets_role_arn",
    "rds_endpoint",
    "rds_port",
    "rds_database_name",
    "rds_master_secret_arn",
    "redis_primary_endpoint",
    "redis_port",
    "redis_auth_secret_arn",
    "openai_secret_arn",
    "acm_certificate_arn",
    "view_hostname",
    "docs_bucket_name",
}
# Our own processes; the kind overlay adds throwaway redis / postgres pods.
APP_COMPONENTS = {"operator", "view", "migrate", "export"}
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet"}


def component(obj: Manifest) -> str:
    """The app.kubernetes.io/component label of an object."""
    labels: dict[str, str] = obj["metadata"].get("labels", {})
    return labels.get("app.kubernetes.io/component", "")


def find(objects: list[Manifest], kind: str, name: str) -> Manifest:
    """The one object of that kind whose name is ``name`` (or ``name`` plus a hash suffix)."""
    matches = [
        obj
        for obj in objects
        if obj["kind"] == kind
        and re.fullmatch(rf"{re.escape(name)}(-[a-z0-9]{{10}})?", obj["metadata"]["name"])
    ]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def containers(spec: Manifest) -> list[Manifest]:
    """Init and regular containers of a pod spec."""
    return [*spec.get("initContainers", []), *spec["containers"]]


# --- pod hardening ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_every_container_is_hardened(name: str, pods: Pods) -> None:
    """Non-root, read-only root, no privilege escalation, ALL capabilities dropped, seccomp."""
    problems: list[str] = []
    for obj, spec in pods[name]:
        pod_sc: Manifest = spec.get("securityContext", {})
        for container in containers(spec):
            where = f"{obj['kind']}/{obj['metadata']['name']}/{container['name']}"
            sc: Manifest = container.get("securityContext", {})
            merged = {**pod_sc, **sc}
            if merged.get("runAsNonRoot") is not True:
                problems.append(f"{where}: runAsNonRoot is not true")
            if merged.get("runAsUser", 0) == 0:
                problems.append(f"{where}: runAsUser unset or 0")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem is not true")
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if "ALL" not in sc.get("capabilities", {}).get("drop", []):
                problems.append(f"{where}: capabilities.drop lacks ALL")
            if sc.get("capabilities", {}).get("add"):
                problems.append(f"{where}: adds capabilities")
            if merged.get("seccompProfile", {}).get("type") != "RuntimeDefault":
                problems.append(f"{where}: seccompProfile is not RuntimeDefault")
            if sc.get("privileged"):
                problems.append(f"{where}: privileged")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_every_container_has_requests_and_limits(name: str, pods: Pods) -> None:
    """Unbounded pods starve their node group neighbours; the scheduler needs requests."""
    for obj, spec in pods[name]:
        for container in containers(spec):
            resources: Manifest = container.get("resources", {})
            for bound in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    assert resource in resources.get(bound, {}), (
                        f"{obj['metadata']['name']}/{container['name']}: no {bound}.{resource}"
                    )


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_long_running_containers_have_probes(name: str, pods: Pods) -> None:
    """Deployments need liveness and readiness probes; the Job runs to completion instead."""
    for obj, spec in pods[name]:
        if obj["kind"] not in LONG_RUNNING:
            continue
        for container in spec["containers"]:
            for probe in ("livenessProbe", "readinessProbe"):
                assert probe in container, f"{obj['metadata']['name']}: no {probe}"


def test_http_probes_use_the_documented_endpoints(rendered: Rendered) -> None:
    """/healthz for start-up and liveness, /readyz for readiness, on each process's port
    (the operator's :8081 per CONTRACTS.md); start-up gets a minute before liveness counts."""
    expected = {"relnotes-operator": 8081, "relnotes-model-service": 8000, "relnotes-view": 8080}
    for name, port in expected.items():
        container = find(rendered["base"], "Deployment", name)["spec"]["template"]["spec"][
            "containers"
        ][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        for probe, path in (
            ("startupProbe", "/healthz"),
            ("livenessProbe", "/healthz"),
            ("readinessProbe", "/readyz"),
        ):
            get = container[probe]["httpGet"]
            assert (get["path"], ports[get["port"]]) == (path, port), (name, probe)
        startup = container["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] >= 60, name
        assert "initialDelaySeconds" not in container["livenessProbe"], name


def test_servers_drain_before_they_stop(rendered: Rendered) -> None:
    """preStop keeps a pod serving while endpoints and the ALB let go of it, inside the grace
    period; the ALB's idle timeout is below the view's keep-alive (aiohttp's default)."""
    import inspect

    from aiohttp import web

    for name in ("relnotes-model-service", "relnotes-view"):
        spec = find(rendered["base"], "Deployment", name)["spec"]["template"]["spec"]
        delay = spec["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert 5 <= delay < spec["terminationGracePeriodSeconds"] - 15, name
    keepalive = inspect.signature(web.run_app).parameters["keepalive_timeout"].default
    annotations = find(rendered["aws"], "Ingress", "relnotes-view")["metadata"]["annotations"]
    attributes = dict(
        item.split("=")
        for item in annotations["alb.ingress.kubernetes.io/load-balancer-attributes"].split(",")
    )
    assert int(attributes["idle_timeout.timeout_seconds"]) < keepalive
    namespace = find(rendered["aws"], "Namespace", "relnotes")["metadata"]["labels"]
    assert namespace["elbv2.k8s.aws/pod-readiness-gate-inject"] == "enabled"


@pytest.mark.parametrize("name", ["base", "aws"])
def test_autoscalers_own_the_served_replicas(name: str, rendered: Rendered) -> None:
    """HPAs for the view and the model-service, at least two replicas; the Deployments set none
    (ArgoCD would otherwise reset the autoscaler's decision on every sync)."""
    for deployment_name in ("relnotes-model-service", "relnotes-view"):
        deployment = find(rendered[name], "Deployment", deployment_name)
        assert "replicas" not in deployment["spec"]
        hpa = find(rendered[name], "HorizontalPodAutoscaler", deployment_name)["spec"]
        assert hpa["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": deployment_name,
        }
        assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]
        resources = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]
        assert "cpu" in resources["requests"], "a CPU target needs a CPU request"
    assert not [o for o in rendered["kind"] if o["kind"] == "HorizontalPodAutoscaler"]


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_service_account_tokens_only_for_the_operator(name: str, pods: Pods) -> None:
    """Only the operator talks to the API server; a stolen token elsewhere is free privilege."""
    for obj, spec in pods[name]:
        wanted = component(obj) == "operator"
        assert spec.get("automountServiceAccountToken") is wanted, obj["metadata"]["name"]


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_images_are_pinned(name: str, pods: Pods) -> None:
    """Never :latest or untagged: a rollout must be reproducible and revertible."""
    for obj, spec in pods[name]:
        for container in containers(spec):
            image: str = container["image"]
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            assert tag, f"{obj['metadata']['name']}: untagged image {image}"
            assert tag != "latest", f"{obj['metadata']['name']}: image {image}"


def test_aws_images_come_from_ecr(pods: Pods) -> None:
    """The aws overlay must not pull relnotes from Docker Hub: the repository is ECR's."""
    repository = read_env()["ecr_repository_url"]
    for obj, spec in pods["aws"]:
        for container in containers(spec):
            assert container["image"].startswith(f"{repository}:"), obj["metadata"]["name"]


def test_namespace_enforces_restricted_pod_security(rendered: Rendered) -> None:
    """PSA restricted rejects any pod that slips past the checks above."""
    labels = find(rendered["base"], "Namespace", "relnotes")["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
        # Pinned to the clusters' version: "latest" would change meaning on an upgrade.
        assert labels[f"pod-security.kubernetes.io/{mode}-version"] == "v1.31"


# --- node groups -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["base", "aws"])
def test_node_group_placement(name: str, pods: Pods) -> None:
    """model-service on role=model (tolerating its taint); every other app pod on role=app."""
    seen = set()
    for obj, spec in pods[name]:
        part = component(obj)
        seen.add(part)
        if part == "model-service":
            assert spec.get("nodeSelector") == {"role": "model"}
            assert {
                "key": "workload",
                "operator": "Equal",
                "value": "model",
                "effect": "NoSchedule",
            } in spec.get("tolerations", [])
        else:
            assert part in APP_COMPONENTS, f"unexpected workload {obj['metadata']['name']}"
            assert spec.get("nodeSelector") == {"role": "app"}, obj["metadata"]["name"]
            assert not spec.get("tolerations"), obj["metadata"]["name"]
    assert seen == APP_COMPONENTS | {"model-service"}


def _kind_nodes() -> list[tuple[dict[str, str], list[Manifest]]]:
    """(labels, taints) of each worker of the kind cluster config."""
    config = yaml.safe_load((REPO / "manifests" / "overlays" / "kind" / "cluster.yaml").read_text())
    nodes = []
    for node in config["nodes"]:
        if node["role"] != "worker":
            continue
        patches = [yaml.safe_load(p) for p in node.get("kubeadmConfigPatches", [])]
        taints = [t for p in patches for t in p.get("nodeRegistration", {}).get("taints", [])]
        nodes.append((node.get("labels", {}), taints))
    return nodes


def _fits(
    selector: dict[str, str],
    tolerations: list[Manifest],
    labels: dict[str, str],
    taints: list[Manifest],
) -> bool:
    """A pod may run on the node: it selects the node's labels and tolerates every taint."""
    tolerated = all(
        any(t["key"] == x.get("key") and t["effect"] == x.get("effect") for x in tolerations)
        for t in taints
    )
    return selector.items() <= labels.items() and tolerated


def test_kind_places_every_pod_on_a_node_of_its_cluster_config(pods: Pods) -> None:
    """kind's nodes carry the EKS node groups' labels and taint (cluster.yaml), so every pod's
    nodeSelector matches a worker whose taints it tolerates: nothing stays Pending."""
    nodes = _kind_nodes()
    assert {"role": "model"} in [labels for labels, _ in nodes]
    for obj, spec in pods["kind"]:
        selector, tolerations = spec.get("nodeSelector", {}), spec.get("tolerations", [])

        assert any(_fits(selector, tolerations, labels, taints) for labels, taints in nodes), obj[
            "metadata"
        ]["name"]
        for container in containers(spec):
            assert container.get("imagePullPolicy") == "IfNotPresent", obj["metadata"]["name"]


@pytest.mark.parametrize("name", ["base", "aws"])
def test_served_deployments_spread_and_have_disruption_budgets(
    name: str, rendered: Rendered
) -> None:
    """model-service and view survive a zone or node loss and a drain."""
    for deployment_name in ("relnotes-model-service", "relnotes-view"):
        deployment = find(rendered[name], "Deployment", deployment_name)
        template = deployment["spec"]["template"]
        keys = {c["topologyKey"] for c in template["spec"]["topologySpreadConstraints"]}
        assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
        pdb = find(rendered[name], "PodDisruptionBudget", deployment_name)
        selector = pdb["spec"]["selector"]["matchLabels"]
        assert selector.items() <= template["metadata"]["labels"].items()


def test_operator_is_a_single_standalone_replica(rendered: Rendered) -> None:
    """No kopf peering CRDs are shipped: one replica, Recreate, --standalone (see operator.yaml)."""
    for name in ("base", "kind", "aws"):
        operator = find(rendered[name], "Deployment", "relnotes-operator")
        assert operator["spec"]["replicas"] == 1
        assert operator["spec"]["strategy"]["type"] == "Recreate"
        args = operator["spec"]["template"]["spec"]["containers"][0]["args"]
        assert args[0] == "operator"
        assert "--standalone" in args


# --- secrets and references ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["base", "aws"])
def test_no_secret_objects_in_git(name: str, rendered: Rendered) -> None:
    """Secrets reach base/aws clusters only through External Secrets, never from the repo."""
    secrets = [obj["metadata"]["name"] for obj in rendered[name] if obj["kind"] == "Secret"]
    assert not secrets


# Database URLs carry no password: each process reads its own from a mounted file.
STORE_KEYS = {"redis-url", "operator-database-url", "view-database-url", "master-database-url"}
# Created by hand on kind (manifests/README.md), so that no key is committed.
KIND_MANUAL_SECRETS = {"relnotes-model-service-key"}


def test_kind_secrets_are_generated_local_only(rendered: Rendered) -> None:
    """kind's store Secret is generated (hash-suffixed) and points at the in-cluster stores;
    the model-service key is not generated from git, and the README says how to create it."""
    stores = find(rendered["kind"], "Secret", "relnotes-stores")
    assert set(stores["data"]) == STORE_KEYS
    names = {
        o["metadata"]["name"].rsplit("-", 1)[0] for o in rendered["kind"] if o["kind"] == "Secret"
    }
    assert not names & KIND_MANUAL_SECRETS
    readme = (REPO / "manifests" / "README.md").read_text(encoding="utf-8")
    for name in KIND_MANUAL_SECRETS:
        assert f"create secret generic {name}" in readme
        assert "openssl rand" in readme


def test_database_passwords_are_files_and_master_is_migrate_only(pods: Pods) -> None:
    """Each process's URL names its own role; its password is a mounted file; only the migrate
    Job mounts the master password or any other role's."""
    expected = {
        "operator": ("operator-database-url", {"relnotes-db-operator"}),
        "view": ("view-database-url", {"relnotes-db-view"}),
        "export": ("view-database-url", {"relnotes-db-view"}),  # reads, as the view does
        "migrate": (
            "master-database-url",
            {"relnotes-db-master", "relnotes-db-operator", "relnotes-db-view"},
        ),
    }
    for name in ("kind", "aws"):
        for obj, spec in pods[name]:
            part = component(obj)
            mounted = {
                source["secret"]["name"] if "secret" in source else ""
                for volume in spec.get("volumes", [])
                for source in volume.get("projected", {}).get("sources", [])
            } | {
                volume["secret"]["secretName"]
                for volume in spec.get("volumes", [])
                if "secret" in volume
            }
            db_secrets = {s for s in mounted if s.startswith("relnotes-db-")}
            if part not in expected:
                assert not db_secrets, obj["metadata"]["name"]
                continue
            url_key, allowed = expected[part]
            env = {e["name"]: e for e in spec["containers"][0]["env"]}
            assert env["RELNOTES_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == url_key
            assert env["RELNOTES_DATABASE_PASSWORD_FILE"]["value"].endswith("/password")
            assert {s.rsplit("-", 1)[0] if name == "kind" else s for s in db_secrets} <= allowed


def test_model_service_key_is_shared_by_the_operator_and_the_model_service(pods: Pods) -> None:
    """Both mount the same required Secret and name its file in the contract's variable."""
    for name in ("kind", "aws"):
        for obj, spec in pods[name]:
            if component(obj) not in {"operator", "model-service"}:
                continue
            volume = next(
                v
                for v in spec["volumes"]
                if v.get("secret", {}).get("secretName") == "relnotes-model-service-key"
            )
            assert not volume["secret"].get("optional"), "an unauthenticated model-service"
            container = spec["containers"][0]
            mount = next(m for m in container["volumeMounts"] if m["name"] == volume["name"])
            env = {e["name"]: e.get("value") for e in container["env"]}
            assert env["RELNOTES_MODEL_SERVICE_API_KEY_FILE"] == f"{mount['mountPath']}/api-key"


def _secret_providers(objects: list[Manifest]) -> dict[str, set[str]]:
    """Secret name -> keys, from Secrets and from ExternalSecrets' targets."""
    provided: dict[str, set[str]] = {}
    for obj in objects:
        if obj["kind"] == "Secret":
            provided[obj["metadata"]["name"]] = set(obj.get("data", {})) | set(
                obj.get("stringData", {})
            )
        elif obj["kind"] == "ExternalSecret":
            spec = obj["spec"]
            keys = {item["secretKey"] for item in spec.get("data", [])}
            template_keys = set(spec["target"].get("template", {}).get("data", {}))
            provided[spec["target"]["name"]] = template_keys or keys
    return provided


@pytest.mark.parametrize("name", ["kind", "aws"])
def test_secret_and_config_references_resolve(name: str, rendered: Rendered, pods: Pods) -> None:
    """Every required secretKeyRef / configMapKeyRef / secret volume names something rendered."""
    secrets = _secret_providers(rendered[name])
    configmaps = {
        obj["metadata"]["name"]: set(obj.get("data", {}))
        for obj in rendered[name]
        if obj["kind"] == "ConfigMap"
    }
    if name == "kind":
        secrets.update({secret: {"api-key"} for secret in KIND_MANUAL_SECRETS})
    problems = []
    for obj, spec in pods[name]:
        for container in containers(spec):
            for env in container.get("env", []):
                source = env.get("valueFrom", {})
                for ref_kind, known in (("secretKeyRef", secrets), ("configMapKeyRef", configmaps)):
                    ref = source.get(ref_kind)
                    if ref is None or ref.get("optional"):
                        continue
                    if ref["key"] not in known.get(ref["name"], set()):
                        problems.append(f"{obj['metadata']['name']}: {env['name']} -> {ref}")
        for volume in spec.get("volumes", []):
            sources = [volume, *volume.get("projected", {}).get("sources", [])]
            for source in sources:
                secret = source.get("secret")
                secret_name = secret and (secret.get("secretName") or secret.get("name"))
                if secret and not secret.get("optional") and secret_name not in secrets:
                    problems.append(f"{obj['metadata']['name']}: volume {volume['name']}")
    assert not problems, "\n".join(problems)


def test_openai_key_is_an_optional_mounted_file(rendered: Rendered) -> None:
    """No key means the deterministic engine, not a pod stuck in ContainerCreating."""
    spec = find(rendered["aws"], "Deployment", "relnotes-model-service")["spec"]["template"]["spec"]
    volume = next(
        v for v in spec["volumes"] if v.get("secret", {}).get("secretName") == "relnotes-openai"
    )
    assert volume["secret"]["optional"] is True
    container = spec["containers"][0]
    mount = next(m for m in container["volumeMounts"] if m["name"] == volume["name"])
    key_file = next(e["value"] for e in container["env"] if e["name"] == "OPENAI_API_KEY_FILE")
    assert key_file == f"{mount['mountPath']}/api-key"
    assert mount["readOnly"] is True


def test_external_secrets_build_the_stores_from_terraform_outputs(rendered: Rendered) -> None:
    """v1 API; the SecretStore's own IRSA account; TLS Redis, sslmode=require Postgres, every
    ARN and endpoint from the env; the master password in its own Secret."""
    env = read_env()
    store = find(rendered["aws"], "SecretStore", "relnotes-aws-secrets-manager")
    assert store["apiVersion"] == "external-secrets.io/v1"
    assert store["spec"]["provider"]["aws"] == {
        "service": "SecretsManager",
        "region": env["region"],
        "auth": {"jwt": {"serviceAccountRef": {"name": "relnotes-secret-store"}}},
    }
    account = find(rendered["aws"], "ServiceAccount", "relnotes-secret-store")
    annotations = account["metadata"]["annotations"]
    assert annotations["eks.amazonaws.com/role-arn"] == env["external_secrets_role_arn"]
    assert account["automountServiceAccountToken"] is False

    external = [o for o in rendered["aws"] if o["kind"] == "ExternalSecret"]
    assert {o["apiVersion"] for o in external} == {"external-secrets.io/v1"}
    stores = find(rendered["aws"], "ExternalSecret", "relnotes-stores")["spec"]
    assert stores["secretStoreRef"] == {
        "kind": "SecretStore",
        "name": "relnotes-aws-secrets-manager",
    }
    refs = {item["secretKey"]: item["remoteRef"] for item in stores["data"]}
    assert refs == {
        "username": {"key": env["rds_master_secret_arn"], "property": "username"},
        "redisToken": {"key": env["redis_auth_secret_arn"]},
    }
    template = stores["target"]["template"]["data"]
    assert set(template) == STORE_KEYS
    for key, user in (
        ("operator-database-url", "relnotes_operator"),
        ("view-database-url", "relnotes_view"),
        ("master-database-url", "{{ .username | urlquery }}"),
    ):
        url = template[key]
        for value in (env["rds_endpoint"], env["rds_port"], env["rds_database_name"]):
            assert f"`{value}`" in url
        assert f"postgresql://{user}@" in url, "no password in a URL"
        assert url.endswith("?sslmode=require")
    redis_url = template["redis-url"]
    assert f"`{env['redis_primary_endpoint']}`" in redis_url
    assert f"`{env['redis_port']}`" in redis_url
    assert "rediss://:{{ .redisToken | urlquery }}@" in redis_url

    master = find(rendered["aws"], "ExternalSecret", "relnotes-db-master")["spec"]
    assert master["data"] == [
        {
            "secretKey": "password",
            "remoteRef": {"key": env["rds_master_secret_arn"], "property": "password"},
        }
    ]
    for generated in ("relnotes-db-operator", "relnotes-db-view", "relnotes-model-service-key"):
        spec = find(rendered["aws"], "ExternalSecret", generated)["spec"]
        assert spec["refreshPolicy"] == "CreatedOnce", "a new key every hour would lock pods out"
        (source,) = spec["dataFrom"]
        assert source["sourceRef"]["generatorRef"]["kind"] == "Password"
    openai = find(rendered["aws"], "ExternalSecret", "relnotes-openai")["spec"]
    assert openai["target"]["name"] == "relnotes-openai"
    assert openai["data"] == [
        {"secretKey": "api-key", "remoteRef": {"key": env["openai_secret_arn"]}}
    ]


def test_aws_render_has_no_placeholder_left(rendered_text: dict[str, str]) -> None:
    """A replacement that stopped matching leaves its UPPER_CASE placeholder in production."""
    placeholders = {
        "ACM_CERTIFICATE_ARN",
        "VIEW_HOSTNAME",
        "AWS_REGION",
        "RDS_ENDPOINT",
        "RDS_PORT",
        "RDS_DATABASE_NAME",
        "RDS_MASTER_SECRET_ARN",
        "REDIS_PRIMARY_ENDPOINT",
        "REDIS_PORT",
        "REDIS_AUTH_SECRET_ARN",
        "OPENAI_SECRET_ARN",
        "EXTERNAL_SECRETS_ROLE_ARN",
        "USER_POOL_ARN",
        "INBOUND_CIDRS",
        "WAFV2_ACL_ARN",
    }
    for name in ("aws", "aws+internet-facing-cognito", "aws+internet-facing-cidrs"):
        left = {p for p in placeholders if p in rendered_text[name]}
        assert not left, name
        for local in ("relnotes-terraform-outputs", "relnotes-edge-"):
            assert local not in rendered_text[name], f"{name}: local-config leaked"


def test_view_is_internal_unless_a_guarded_option_says_otherwise(rendered: Rendered) -> None:
    """Internal by default; internet-facing only with Cognito authentication or source CIDRs
    (never 0.0.0.0/0); a WAF ACL when its component is included."""
    prefix = "alb.ingress.kubernetes.io/"
    for name, objects in rendered.items():
        for ingress in (o for o in objects if o["kind"] == "Ingress"):
            annotations = ingress["metadata"]["annotations"]
            if annotations[prefix + "scheme"] != "internet-facing":
                continue
            cognito = annotations.get(prefix + "auth-type") == "cognito"
            cidrs = [c for c in annotations.get(prefix + "inbound-cidrs", "").split(",") if c]
            assert cognito or cidrs, f"{name}: internet-facing without a guard"
            assert "0.0.0.0/0" not in cidrs, name
    assert (
        find(rendered["aws"], "Ingress", "relnotes-view")["metadata"]["annotations"][
            prefix + "scheme"
        ]
        == "internal"
    )
    cognito = find(rendered["aws+internet-facing-cognito"], "Ingress", "relnotes-view")
    annotations = cognito["metadata"]["annotations"]
    assert annotations[prefix + "auth-on-unauthenticated-request"] == "authenticate"
    idp = json.loads(annotations[prefix + "auth-idp-cognito"])
    assert set(idp) == {"userPoolARN", "userPoolClientID", "userPoolDomain"}
    assert idp["userPoolARN"].startswith("arn:aws:cognito-idp:")
    assert annotations[prefix + "wafv2-acl-arn"].startswith("arn:aws:wafv2:")
    guarded = find(rendered["aws+internet-facing-cidrs"], "Ingress", "relnotes-view")
    assert guarded["metadata"]["annotations"][prefix + "scheme"] == "internet-facing"


def test_aws_service_accounts_have_irsa_roles(rendered: Rendered) -> None:
    """Each process gets its own IAM role (terraform's IRSA module trusts exactly these)."""
    env = read_env()
    for account, key in (
        ("relnotes-operator", "operator_role_arn"),
        ("relnotes-model-service", "model_service_role_arn"),
        ("relnotes-view", "view_role_arn"),
    ):
        sa = find(rendered["aws"], "ServiceAccount", account)
        assert sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == env[key]
    migrate = find(rendered["aws"], "ServiceAccount", "relnotes-migrate")
    assert "eks.amazonaws.com/role-arn" not in migrate["metadata"].get("annotations", {})


# --- network ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_network_policies_default_deny_and_cover_every_pod(
    name: str, rendered: Rendered, pods: Pods
) -> None:
    """Default deny for the namespace, and an allow policy selecting each workload."""
    policies = [obj for obj in rendered[name] if obj["kind"] == "NetworkPolicy"]
    deny = [
        p
        for p in policies
        if p["spec"]["podSelector"] == {}
        and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert deny, "no default-deny NetworkPolicy"
    selected = {
        p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/component")
        for p in policies
    }
    for obj, _spec in pods[name]:
        assert component(obj) in selected, f"no NetworkPolicy for {obj['metadata']['name']}"


def _allows(policy: Manifest, direction: str, port: int) -> bool:
    return any(
        any(p.get("port") == port for p in rule.get("ports", []))
        for rule in policy["spec"].get(direction, [])
    )


def test_network_policy_allows_the_documented_paths(rendered: Rendered) -> None:
    """operator->model-service:8000, stores egress, API egress, view ingress:8080 and egress to
    the stores only, DNS."""
    objects = rendered["base"]
    operator = find(objects, "NetworkPolicy", "relnotes-operator")
    for port in (8000, 5432, 6379, 443, 6443):
        assert _allows(operator, "egress", port), port
    model = find(objects, "NetworkPolicy", "relnotes-model-service")
    assert _allows(model, "ingress", 8000)
    assert (
        model["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"][
            "app.kubernetes.io/component"
        ]
        == "operator"
    )
    view = find(objects, "NetworkPolicy", "relnotes-view")
    assert _allows(view, "ingress", 8080)
    assert _allows(view, "egress", 5432)
    assert _allows(view, "egress", 6379)  # the page cache the replicas share
    for port in (8000, 443, 6443):  # no model-service, no AWS or Kubernetes API
        assert not _allows(view, "egress", port), port
    migrate = find(objects, "NetworkPolicy", "relnotes-migrate")
    assert _allows(migrate, "egress", 5432)
    dns = find(objects, "NetworkPolicy", "allow-dns-egress")
    assert dns["spec"]["podSelector"] == {}
    assert _allows(dns, "egress", 53)


# --- ingress ---------------------------------------------------------------------------------


def test_ingress_is_https_only_alb_with_acm_certificate(rendered: Rendered) -> None:
    """Only aws exposes the view: ALB, ACM cert, HTTP->HTTPS, TLS 1.2+, pod targets, /healthz."""
    assert not [o for o in rendered["base"] + rendered["kind"] if o["kind"] == "Ingress"]
    env = read_env()
    ingress = find(rendered["aws"], "Ingress", "relnotes-view")
    annotations: dict[str, str] = ingress["metadata"]["annotations"]
    prefix = "alb.ingress.kubernetes.io/"
    assert re.fullmatch(
        r"arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate/[\w-]+",
        annotations[prefix + "certificate-arn"],
    )
    assert annotations[prefix + "certificate-arn"] == env["acm_certificate_arn"]
    assert {"HTTPS": 443} in json.loads(annotations[prefix + "listen-ports"])
    assert annotations[prefix + "ssl-redirect"] == "443"
    assert annotations[prefix + "target-type"] == "ip"
    assert annotations[prefix + "healthcheck-path"] == "/healthz"
    assert re.match(
        r"ELBSecurityPolicy-(TLS13-1-2|TLS-1-2|FS-1-2)", annotations[prefix + "ssl-policy"]
    )
    assert ingress["spec"]["ingressClassName"] == "alb"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == env["view_hostname"]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "relnotes-view", "port": {"name": "http"}}
    settings = find(rendered["aws"], "ConfigMap", "relnotes-settings")
    assert settings["data"]["RELNOTES_VIEW_BASE_URL"] == f"https://{env['view_hostname']}"


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_services_select_their_pods(name: str, rendered: Rendered) -> None:
    """A Service whose selector matches no pod template is an outage that renders fine."""
    templates = [
        obj["spec"]["template"]["metadata"]["labels"]
        for obj in rendered[name]
        if obj["kind"] == "Deployment"
    ]
    for service in (obj for obj in rendered[name] if obj["kind"] == "Service"):
        selector = service["spec"]["selector"]
        assert any(selector.items() <= labels.items() for labels in templates), service["metadata"][
            "name"
        ]


# --- RBAC and ArgoCD -------------------------------------------------------------------------


def test_migrate_job_runs_before_the_rollout(rendered: Rendered) -> None:
    """ArgoCD: a Sync hook in wave -1, after what it needs (-2/-3), before the Deployments (0)."""
    objects = rendered["aws"]
    job = find(objects, "Job", "relnotes-migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/hook"] == "Sync"
    assert annotations["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    job_wave = int(annotations["argocd.argoproj.io/sync-wave"])
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    before = {
        ("Namespace", "relnotes"),
        ("CustomResourceDefinition", "releasenotes.relnotes.io"),
        ("ServiceAccount", "relnotes-migrate"),
        ("ConfigMap", "relnotes-settings"),
        ("NetworkPolicy", "default-deny-all"),
        ("NetworkPolicy", "allow-dns-egress"),
        ("NetworkPolicy", "relnotes-migrate"),
        ("SecretStore", "relnotes-aws-secrets-manager"),
        ("ExternalSecret", "relnotes-stores"),
    }
    after = {"Deployment", "Service", "Ingress", "PodDisruptionBudget"}
    for kind, name in before:
        assert _wave(find(objects, kind, name)) < job_wave, f"{kind}/{name} must precede the Job"
    for obj in objects:
        if obj["kind"] in after:
            assert _wave(obj) > job_wave, f"{obj['kind']}/{obj['metadata']['name']}"


def _wave(obj: Manifest) -> int:
    return int(obj["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-wave", "0"))


# --- terraform outputs -----------------------------------------------------------------------


def test_terraform_outputs_env_uses_only_known_outputs() -> None:
    """Every key is a Terraform output name; the committed values are obvious placeholders."""
    env = read_env()
    assert set(env) <= TERRAFORM_OUTPUTS, set(env) - TERRAFORM_OUTPUTS
    assert set(env) == TERRAFORM_OUTPUTS, TERRAFORM_OUTPUTS - set(env)
    for key, value in env.items():
        if key.endswith("_arn"):
            assert ":111122223333:" in value, f"{key} is not the example account"


def test_terraform_outputs_env_keys_are_declared_in_outputs_tf() -> None:
    """The env file and the Terraform root must not drift apart."""
    if not OUTPUTS_TF.is_file():
        pytest.skip(f"{OUTPUTS_TF.relative_to(REPO)} not present")
    declared = set(
        re.findall(
            r'^output\s+"([^"]+)"', OUTPUTS_TF.read_text(encoding="utf-8"), flags=re.MULTILINE
        )
    )
    missing = set(read_env()) - declared
    assert not missing, f"not declared in outputs.tf: {sorted(missing)}"


# Variables other branches' settings read (CONTRACTS.md), not yet fields on this branch.
CONTRACT_VARIABLES = {"RELNOTES_MODEL_SERVICE_API_KEY_FILE"}


@pytest.mark.parametrize("name", ["kind", "aws"])
def test_every_variable_the_pods_get_is_a_setting(name: str, pods: Pods) -> None:
    """A misspelt variable is silently ignored (extra="ignore"): every one must be read."""
    from relnotes.config import Settings
    from relnotes.controller.settings import ControllerSettings

    known = set(CONTRACT_VARIABLES)
    for cls in (Settings, ControllerSettings):
        for field_name in cls.model_fields:
            known.update(cls.variables(field_name))  # the names EnvironmentSettings reads
    for obj, spec in pods[name]:
        if component(obj) not in {"operator", "model-service", "view", "migrate"}:
            continue
        for env in spec["containers"][0].get("env", []):
            assert env["name"] in known, (
                f"{obj['metadata']['name']}: {env['name']} is read by nothing"
            )

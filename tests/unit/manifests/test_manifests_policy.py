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
APP_COMPONENTS = {"operator", "view", "migrate"}
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
    """/healthz for liveness everywhere; /readyz for readiness on the two HTTP servers."""
    expected = {
        "relnotes-operator": ("/healthz", "/healthz"),
        "relnotes-model-service": ("/healthz", "/readyz"),
        "relnotes-view": ("/healthz", "/readyz"),
    }
    for name, (live, ready) in expected.items():
        container = find(rendered["base"], "Deployment", name)["spec"]["template"]["spec"][
            "containers"
        ][0]
        assert container["livenessProbe"]["httpGet"]["path"] == live
        assert container["readinessProbe"]["httpGet"]["path"] == ready


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
        assert deployment["spec"]["replicas"] >= 2


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


def test_kind_secrets_are_generated_local_only(rendered: Rendered) -> None:
    """kind's store Secret is generated (hash-suffixed) and points at the in-cluster stores."""
    stores = find(rendered["kind"], "Secret", "relnotes-stores")
    assert set(stores["data"]) == {"redis-url", "database-url"}


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
            secret = volume.get("secret")
            if secret and not secret.get("optional") and secret["secretName"] not in secrets:
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
    """relnotes-stores: TLS Redis and sslmode=require Postgres, every ARN/endpoint from the env."""
    env = read_env()
    store = find(rendered["aws"], "SecretStore", "relnotes-aws-secrets-manager")
    assert store["apiVersion"] == "external-secrets.io/v1beta1"
    assert store["spec"]["provider"]["aws"] == {
        "service": "SecretsManager",
        "region": env["region"],
    }

    stores = find(rendered["aws"], "ExternalSecret", "relnotes-stores")["spec"]
    assert stores["secretStoreRef"] == {
        "kind": "SecretStore",
        "name": "relnotes-aws-secrets-manager",
    }
    refs = {item["secretKey"]: item["remoteRef"] for item in stores["data"]}
    assert refs["username"] == {"key": env["rds_master_secret_arn"], "property": "username"}
    assert refs["password"] == {"key": env["rds_master_secret_arn"], "property": "password"}
    assert refs["redisToken"] == {"key": env["redis_auth_secret_arn"]}
    template = stores["target"]["template"]["data"]
    database_url = template["database-url"]
    for value in (env["rds_endpoint"], env["rds_port"], env["rds_database_name"]):
        assert f"`{value}`" in database_url
    assert "postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@" in database_url
    assert database_url.endswith("?sslmode=require")
    redis_url = template["redis-url"]
    assert f"`{env['redis_primary_endpoint']}`" in redis_url
    assert f"`{env['redis_port']}`" in redis_url
    assert "rediss://:{{ .redisToken | urlquery }}@" in redis_url

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
    }
    left = {p for p in placeholders if p in rendered_text["aws"]}
    assert not left
    assert "relnotes-terraform-outputs" not in rendered_text["aws"], "local-config leaked"


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
    """operator->model-service:8000, stores egress, API egress, view ingress:8080, DNS."""
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
    assert not _allows(view, "egress", 6379)
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


def test_operator_rbac_is_exactly_what_kopf_needs(rendered: Rendered) -> None:
    """No wildcards, no secrets, no writes beyond ReleaseNote status and events."""
    role = find(rendered["base"], "ClusterRole", "relnotes-operator")
    granted = {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    assert not [g for g in granted if "*" in g]
    assert ("relnotes.io", "releasenotes", "list") in granted  # watching and the history sweep
    assert ("relnotes.io", "releasenotes/status", "patch") in granted
    assert ("", "events", "create") in granted
    assert ("events.k8s.io", "events", "create") in granted
    assert ("apiextensions.k8s.io", "customresourcedefinitions", "watch") in granted
    assert ("", "namespaces", "watch") in granted
    assert not [g for g in granted if g[1] == "secrets"]
    writes = {g[1] for g in granted if g[2] in {"create", "update", "patch", "delete"}}
    assert writes == {"releasenotes/status", "events"}
    binding = find(rendered["base"], "ClusterRoleBinding", "relnotes-operator")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "relnotes-operator", "namespace": "relnotes"}
    ]


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

"""Every kustomization renders, and every object it renders is valid Kubernetes.

Validation is offline, against the OpenAPI-derived JSON schemas that the PyPI package
``kubernetes-validate`` bundles, in strict mode (unknown fields are errors: a misspelt or
misplaced key is silently dropped by the API server otherwise). Kinds backed by other projects'
CRDs (External Secrets, Prometheus Operator, ArgoCD) are validated against those CRDs' own
schemas, vendored in crd_schemas/ (SOURCES.json: repository, release, commit and path of each),
also strictly: a field the CRD does not declare is an error, as the API server would prune it.
"""

import json
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

# Kubernetes minor version the clusters run (EKS 1.31); kubernetes-validate picks the newest
# bundled schema that is not newer.
KUBERNETES_VERSION = "1.31"

CRD_SCHEMAS = Path(__file__).parent / "crd_schemas"
ARGOCD = Path(__file__).resolve().parents[3] / "manifests" / "argocd"


def _strict(schema: Any) -> Any:
    """A CRD schema with unknown properties forbidden wherever the CRD does not preserve them."""
    if isinstance(schema, dict):
        strict = {key: _strict(value) for key, value in schema.items()}
        if (
            schema.get("type") == "object"
            and "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            strict["additionalProperties"] = False
        return strict
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def _crd_schemas() -> dict[tuple[str, str], Any]:
    sources = json.loads((CRD_SCHEMAS / "SOURCES.json").read_text(encoding="utf-8"))
    schemas = {}
    for source in sources:
        schema = json.loads((CRD_SCHEMAS / source["file"]).read_text(encoding="utf-8"))
        # Every object has metadata; CRD schemas leave it to the API server.
        schema.setdefault("properties", {})["metadata"] = {"type": "object"}
        schemas[(source["apiVersion"], source["kind"])] = _strict(schema)
    return schemas


CRD_KINDS = _crd_schemas()


def validate_crd_object(obj: dict[str, Any]) -> list[str]:
    """Errors of ``obj`` against its vendored CRD schema (which must exist)."""
    schema = CRD_KINDS[(obj["apiVersion"], obj["kind"])]
    validator = jsonschema.Draft7Validator(schema)
    return [
        f"{'.'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(obj)
    ]


EXPECTED_KINDS = {
    "base": {
        "Namespace",
        "CustomResourceDefinition",
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
        "ConfigMap",
        "Deployment",
        "Service",
        "Job",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "HorizontalPodAutoscaler",
    },
    "kind": {"Secret", "Deployment", "Service", "NetworkPolicy", "Job"},
    "aws": {"Ingress", "ExternalSecret", "SecretStore", "Password", "Deployment", "Job"},
    "aws+monitoring": {"PodMonitor", "PrometheusRule", "NetworkPolicy", "ConfigMap"},
    "aws+internet-facing-cognito": {"Ingress"},
    "aws+internet-facing-cidrs": {"Ingress"},
}


@pytest.mark.parametrize("name", list(EXPECTED_KINDS))
def test_kustomization_renders_expected_kinds(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    """A render that silently lost a resource file would still 'succeed'; count the kinds."""
    kinds = {obj["kind"] for obj in rendered[name]}
    assert EXPECTED_KINDS[name] <= kinds, f"{name} lacks {EXPECTED_KINDS[name] - kinds}"
    names = [
        (obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"])
        for obj in rendered[name]
    ]
    assert len(names) == len(set(names)), f"{name} renders duplicate objects"


def test_every_namespaced_object_lands_in_relnotes(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    """kustomize's namespace: must reach every namespaced object, or it lands in default."""
    cluster_scoped = {"Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"}
    for name, objects in rendered.items():
        for obj in objects:
            if obj["kind"] in cluster_scoped:
                assert "namespace" not in obj["metadata"], (name, obj["metadata"]["name"])
            else:
                assert obj["metadata"].get("namespace") == "relnotes", (
                    name,
                    obj["kind"],
                    obj["metadata"]["name"],
                )


@pytest.mark.parametrize(
    "name",
    [
        "base",
        "kind",
        "aws",
        "aws+monitoring",
        "aws+internet-facing-cognito",
        "aws+internet-facing-cidrs",
    ],
)
def test_objects_validate_against_kubernetes_schemas(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    """Strict schema validation of every built-in kind; CRD kinds are skipped by name only."""
    errors: list[str] = []
    for obj in rendered[name]:
        key = (obj["apiVersion"], obj["kind"])
        label = f"{obj['kind']}/{obj['metadata']['name']}"
        if key in CRD_KINDS:
            errors.extend(f"{label}: {problem}" for problem in validate_crd_object(obj))
            continue
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{label}: no schema for {key} (vendor its CRD's in crd_schemas/)")
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            errors.append(f"{label}: {path}: {error.message}")
    assert not errors, "\n".join(errors)


def test_schema_validation_rejects_unknown_fields() -> None:
    """Guard the guard: strict mode must catch a misplaced key, or the test above proves nothing."""
    bad = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "x"},
        "spec": {"ports": [{"port": 80}], "selectr": {"app": "x"}},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("file", ["application.yaml", "appproject.yaml"])
def test_argocd_objects_validate_against_their_crds(file: str) -> None:
    """The Application and AppProject, against ArgoCD's own CRD schemas."""
    obj = yaml.safe_load((ARGOCD / file).read_text(encoding="utf-8"))
    assert validate_crd_object(obj) == []


def test_crd_validation_rejects_what_the_crd_does_not_declare() -> None:
    """Guard the guard: the v1beta1-era SecretStore shape, misplaced auth, a wrong type."""
    store: dict[str, Any] = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "SecretStore",
        "metadata": {"name": "x"},
        "spec": {"provider": {"aws": {"service": "SecretsManager", "region": "us-east-1"}}},
    }
    assert validate_crd_object(store) == []
    store["spec"]["provider"]["aws"]["serviceAccountRef"] = {"name": "x"}
    assert validate_crd_object(store)
    rule = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "x"},
        "spec": {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up", "for": 5}]}]},
    }
    assert validate_crd_object(rule)
    with pytest.raises(KeyError):
        validate_crd_object({"apiVersion": "external-secrets.io/v1beta1", "kind": "SecretStore"})


def test_argocd_application_tracks_the_aws_overlay() -> None:
    """The Application (an ArgoCD CRD, so no bundled schema) points at a real overlay."""
    repo = Path(__file__).resolve().parents[3]
    app = yaml.safe_load((repo / "manifests" / "argocd" / "application.yaml").read_text("utf-8"))
    assert app["apiVersion"] == "argoproj.io/v1alpha1"
    assert app["kind"] == "Application"
    spec = app["spec"]
    assert spec["source"]["path"] == "manifests/overlays/aws"
    assert (repo / spec["source"]["path"] / "kustomization.yaml").is_file()
    assert spec["destination"]["namespace"] == "relnotes"
    assert spec["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert "ServerSideApply=true" in spec["syncPolicy"]["syncOptions"]

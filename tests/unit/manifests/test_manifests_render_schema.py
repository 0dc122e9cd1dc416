"""Every kustomization renders, and every object it renders is valid Kubernetes.

Validation is offline, against the OpenAPI-derived JSON schemas that the PyPI package
``kubernetes-validate`` bundles, in strict mode (unknown fields are errors: a misspelt or
misplaced key is silently dropped by the API server otherwise). Kinds backed by CRDs that are
not ours (External Secrets) have no bundled schema; they are listed here, skipped by schema and
checked structurally in test_manifests_policy.py.
"""

from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

# Kubernetes minor version the clusters run (EKS 1.30); kubernetes-validate picks the newest
# bundled schema that is not newer.
KUBERNETES_VERSION = "1.30"

# (apiVersion, kind) with no bundled schema, and why that is acceptable.
CRD_KINDS = {
    ("external-secrets.io/v1beta1", "ExternalSecret"): "External Secrets CRD (checked in policy)",
    ("external-secrets.io/v1beta1", "SecretStore"): "External Secrets CRD (checked in policy)",
}

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
    },
    "kind": {"Secret", "Deployment", "Service", "NetworkPolicy", "Job"},
    "aws": {"Ingress", "ExternalSecret", "SecretStore", "Deployment", "Job"},
}


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
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


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_objects_validate_against_kubernetes_schemas(
    name: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    """Strict schema validation of every built-in kind; CRD kinds are skipped by name only."""
    errors: list[str] = []
    for obj in rendered[name]:
        key = (obj["apiVersion"], obj["kind"])
        label = f"{obj['kind']}/{obj['metadata']['name']}"
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            if key not in CRD_KINDS:
                errors.append(f"{label}: no schema for {key} and not a known CRD kind")
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

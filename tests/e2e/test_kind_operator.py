"""End to end on a real cluster (kind): the image, the kind overlay and the samples, as deployed.

The Makefile's own targets build the image, create a cluster shaped like EKS (an app node and a
model node tainted ``workload=model:NoSchedule``), load the image and apply the kind overlay; the
operator, model-service, view and migrate Job then run as pods, under their RBAC,
NetworkPolicies, probes and placement. The test applies the samples with kubectl and reads them
as a user does.

Needs a working Docker engine (``docker info`` succeeding), not just the docker CLI: without one
the module skips with the reason. The acceptance tier (tests/acceptance) runs the same product
as processes where Docker is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KIND_VERSION = "v0.29.0"  # the release the cluster config's node image was built for
CLUSTER = "relnotes-e2e"


def _docker_engine() -> str | None:
    """None when a Docker engine answers; else why not."""
    if shutil.which("docker") is None:
        return "no docker CLI"
    try:
        subprocess.run(["docker", "info"], check=True, capture_output=True, timeout=20)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        return f"no working Docker engine (docker info: {error})"
    return None


_WHY_NOT = _docker_engine()
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(_WHY_NOT is not None, reason=f"kind needs Docker: {_WHY_NOT}"),
]


def _kind_binary(tmp: Path) -> str:
    """``kind`` from PATH, else pytest-kind's download of the pinned release."""
    found = shutil.which("kind")
    if found:
        return found
    from pytest_kind import cluster

    cluster.KIND_VERSION = KIND_VERSION
    downloader = cluster.KindCluster(CLUSTER, kubeconfig=tmp / "unused")
    downloader.ensure_kind()
    return str(downloader.kind_path)


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A kind cluster with the image and the kind overlay deployed by ``make``."""
    tmp = tmp_path_factory.mktemp("kind")
    config = tmp / "kubeconfig"
    make = ["make", "-C", str(ROOT), f"KIND={_kind_binary(tmp)}", f"CLUSTER={CLUSTER}"]
    env = {"KUBECONFIG": str(config), "PATH": os.environ["PATH"]}
    try:
        subprocess.run([*make, "kind-up", "image", "deploy"], check=True, env=env, timeout=1800)
        yield config
    finally:
        subprocess.run([*make, "kind-down"], check=False, env=env, timeout=300)


def kubectl(config: Path, *args: str) -> str:
    return subprocess.run(
        ["kubectl", "--kubeconfig", str(config), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def test_the_pods_run_as_deployed(kubeconfig: Path) -> None:
    pods = json.loads(kubectl(kubeconfig, "get", "pods", "-n", "relnotes", "-o", "json"))["items"]
    nodes = json.loads(kubectl(kubeconfig, "get", "nodes", "-o", "json"))["items"]
    role = {n["metadata"]["name"]: n["metadata"]["labels"].get("role") for n in nodes}
    running = [p for p in pods if p["status"]["phase"] == "Running"]
    components = {p["metadata"]["labels"]["app.kubernetes.io/component"] for p in running}
    assert {"operator", "model-service", "view"} <= components
    for pod in running:  # readiness probes pass, and placement follows the node groups
        ready = {c["type"]: c["status"] for c in pod["status"]["conditions"]}
        assert ready["Ready"] == "True", pod["metadata"]["name"]
        part = pod["metadata"]["labels"]["app.kubernetes.io/component"]
        expected = "model" if part == "model-service" else "app"
        assert role[pod["spec"]["nodeName"]] == expected, pod["metadata"]["name"]
    assert kubectl(kubeconfig, "get", "networkpolicies", "-n", "relnotes", "-o", "name")


def _samples() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted((ROOT / "samples").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def test_every_sample_is_ready_with_its_columns(kubeconfig: Path) -> None:
    samples = _samples()
    for namespace in sorted({d["metadata"]["namespace"] for d in samples}):
        subprocess.run(
            ["kubectl", "--kubeconfig", str(kubeconfig), "create", "namespace", namespace],
            check=False,
            capture_output=True,
        )
    kubectl(kubeconfig, "apply", "-f", str(ROOT / "samples"))
    for doc in samples:
        meta = doc["metadata"]
        kubectl(
            kubeconfig,
            "wait",
            "--for=condition=Ready",
            f"rn/{meta['name']}",
            "-n",
            meta["namespace"],
            "--timeout=180s",
        )
    header, *rows = kubectl(kubeconfig, "get", "rn", "-A").strip().splitlines()
    assert header.split() == ["NAMESPACE", "NAME", "READY", "PHASE", "PROVIDER", "CACHE-HIT", "AGE"]
    assert len(rows) == len(samples)
    for row in rows:
        assert row.split()[2:5] == ["True", "Ready", "deterministic"]

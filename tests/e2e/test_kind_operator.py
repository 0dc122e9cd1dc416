"""End to end on a real cluster (kind): install the CRD, run the operator, apply a sample, and
read ``kubectl get releasenotes`` the way a user does.

Needs a working Docker engine (``docker info`` succeeding), not just the docker CLI: without one
the whole module skips with the reason. The operator, the model-service, Redis and Postgres run
on the host; the cluster reaches nothing of theirs, the operator reaches the cluster.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from servers import PostgresServer, RedisServer, find_pg_bin, free_port  # noqa: E402


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

SAMPLE = ROOT / "samples" / "eks-upgrade.yaml"


def _relnotes(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "relnotes.cli.main", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def backends() -> Iterator[dict[str, str]]:
    """Postgres, Redis and the model-service on the host; yields the operator's environment."""
    bin_dir = find_pg_bin()
    if bin_dir is None or shutil.which("redis-server") is None:
        pytest.skip("needs PostgreSQL binaries and redis-server")
    postgres, redis = PostgresServer(bin_dir), RedisServer()
    postgres.start()
    redis.start()
    port = free_port()
    env = {**os.environ, "RELNOTES_LOG_FORMAT": "json"}
    model = _relnotes("model-service", "--port", str(port), env=env)
    env |= {
        "RELNOTES_DATABASE_URL": postgres.create_database("e2e"),
        "RELNOTES_REDIS_URL": redis.url,
        "RELNOTES_MODEL_SERVICE_URL": f"http://127.0.0.1:{port}/v1",
        "RELNOTES_MIGRATE_ON_START": "true",
    }
    try:
        yield env
    finally:
        model.terminate()
        model.wait(timeout=10)
        redis.stop()
        postgres.destroy()


def _get(kind_cluster: Any, *args: str) -> str:
    output: str = kind_cluster.kubectl(*args)
    return output


def test_apply_a_sample_and_read_the_columns(kind_cluster: Any, backends: dict[str, str]) -> None:
    kind_cluster.kubectl("apply", "-f", str(ROOT / "crds"))
    kind_cluster.kubectl(
        "wait", "--for=condition=Established", "crd/releasenotes.relnotes.io", "--timeout=60s"
    )
    kind_cluster.kubectl("create", "namespace", "platform")
    env = {**backends, "KUBECONFIG": str(kind_cluster.kubeconfig_path)}
    liveness = free_port()
    operator = _relnotes(
        "operator", "-A", "--liveness", f"http://127.0.0.1:{liveness}/healthz", env=env
    )
    try:
        kind_cluster.kubectl("apply", "-f", str(SAMPLE))
        deadline = time.monotonic() + 120
        ready = ""
        while time.monotonic() < deadline and ready != "True":
            ready = _get(
                kind_cluster,
                "get",
                "releasenotes",
                "-n",
                "platform",
                "eks-1-30-upgrade",
                "-o",
                'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
            )
            time.sleep(2)
        assert ready == "True"
        table = _get(kind_cluster, "get", "rn", "-n", "platform", "-o", "wide")
        header, row = table.strip().splitlines()[:2]
        assert header.split()[:5] == ["NAME", "READY", "PHASE", "PROVIDER", "CACHE-HIT"]
        assert "NOTE" in header
        assert "AGE" in header
        assert row.split()[1:3] == ["True", "Ready"]
    finally:
        operator.terminate()
        operator.wait(timeout=30)

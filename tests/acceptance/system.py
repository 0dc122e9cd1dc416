"""The whole product as its users run it, each part a process of its own on 127.0.0.1.

``System`` starts an API server (``tests/kube_emulator.py`` as a process), applies the kind
overlay with ``kubectl apply -k`` as the README says, then plays the kubelet for what kubectl put
in the API (see ``kubelet.py``): real Redis and Postgres for the stores, ``relnotes migrate`` for
the Job, then ``relnotes model-service``, ``relnotes view`` and ``relnotes operator`` for the
Deployments, each waited on through its own readiness probe. Every process logs to a file.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from servers import PostgresServer, RedisServer, free_port
from tests.acceptance.kubelet import Container, Workload, listen_args, read_workloads, spawn
from tests.kube_emulator import kubeconfig
from tests.tools import RELNOTES, REPO

__all__ = ["NAMESPACE", "Kubectl", "System"]

NAMESPACE = "relnotes"
OVERLAY = REPO / "manifests" / "overlays" / "kind"
START_TIMEOUT_S = 60.0
LOG_TAIL = 3000  # characters of a log quoted in an assertion


class Kubectl:
    """``kubectl`` against the test's API server, as a user runs it."""

    def __init__(self, config: Path) -> None:
        self.config = config

    def run(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        result = subprocess.run(
            ["kubectl", "--kubeconfig", str(self.config), *args],
            input=stdin,
            cwd=REPO,  # the README's commands name files relative to the checkout
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def shell(self, line: str) -> str:
        """One README line as a shell runs it (pipes, ``$(...)``), kubectl on this cluster."""
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", line],
            env={**os.environ, "KUBECONFIG": str(self.config)},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, f"{line}: {result.stderr.strip()}"
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "-o", "json"))


class System:
    """API server, stores, and every relnotes process of the kind overlay."""

    def __init__(self, workdir: Path, redis: RedisServer, postgres: PostgresServer) -> None:
        self.workdir = workdir
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.redis, self.postgres = redis, postgres
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.argv: dict[str, tuple[list[str], dict[str, str]]] = {}
        self.ports: dict[str, dict[int, int]] = {}  # workload -> containerPort -> local port
        self._api: subprocess.Popen[str] | None = None
        self.kubectl = Kubectl(workdir / "kubeconfig")

    # -- the API server ---------------------------------------------------------------------
    def start_api(self) -> None:
        with (self.logs / "kube-apiserver.log").open("ab") as log:
            self._api = subprocess.Popen(
                [sys.executable, "-m", "tests.kube_emulator", "--bare"],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        assert self._api.stdout is not None
        url = self._api.stdout.readline().strip()  # bounded: the process prints it or exits
        assert url.startswith("http://127.0.0.1:"), f"API server did not start: {url!r}"
        kubeconfig(self.kubectl.config, url)

    def install(self) -> None:
        """What ``make deploy`` does on kind, less loading the image: apply the kind overlay and
        make the model-service's bearer key."""
        self.kubectl.run("apply", "-k", str(OVERLAY))
        key = self.kubectl.run(
            *("-n", NAMESPACE, "create", "secret", "generic", "relnotes-model-service-key"),
            f"--from-literal=api-key={secrets.token_hex(32)}",
            *("--dry-run=client", "-o", "json"),
        )
        self.kubectl.run("apply", "-f", "-", stdin=key)

    # -- the kubelet --------------------------------------------------------------------------
    def can_start(self) -> bool:
        """The overlay is applied and no pod would wait for a Secret or ConfigMap."""
        if not self.kubectl.run("get", "namespace", NAMESPACE, "--ignore-not-found"):
            return False
        workloads = read_workloads(self.kubectl.json, NAMESPACE)
        return bool(workloads) and not any(c.missing for w in workloads for c in w.containers)

    def start(self) -> None:
        """Run what the API holds in the relnotes namespace, in dependency order."""
        workloads = read_workloads(self.kubectl.json, NAMESPACE)
        waiting = [f"{c.workload}: {m}" for w in workloads for c in w.containers for m in c.missing]
        assert not waiting, f"pods would wait for {waiting}"
        relnotes = [w for w in workloads if any(c.relnotes for c in w.containers)]
        for workload in relnotes:
            self.ports[workload.name] = {
                port: free_port() for c in workload.containers for port in c.ports.values()
            }
        services = self._services(workloads)
        for workload in workloads:
            if not any(c.relnotes for c in workload.containers):
                self._stand_in(workload)
        for job in (w for w in relnotes if w.kind == "Job"):  # ArgoCD runs the hook first
            for container in job.containers:
                self.run(job.name, container, services, wait=True)
        for deployment in (w for w in relnotes if w.kind == "Deployment"):
            for container in deployment.containers:
                self.run(deployment.name, container, services, wait=False)
        for deployment in (w for w in relnotes if w.kind == "Deployment"):
            for container in deployment.containers:
                self.wait_ready(deployment.name, container)

    def _services(self, workloads: list[Workload]) -> dict[str, str]:
        """In-cluster addresses (every DNS form) -> 127.0.0.1:port of the process behind it."""
        found: dict[str, str] = {}
        for service in self.kubectl.json("get", "services", "-n", NAMESPACE)["items"]:
            selector = service["spec"].get("selector") or {}
            backend = next(w for w in workloads if selector.items() <= w.labels.items())
            name = service["metadata"]["name"]
            for port in service["spec"]["ports"]:
                target = str(port.get("targetPort", port["port"]))
                local = self._local_port(backend, target)
                for host in (f"{name}.{NAMESPACE}.svc.cluster.local", f"{name}.{NAMESPACE}.svc"):
                    found[f"{host}:{port['port']}"] = f"127.0.0.1:{local}"
        return found

    def _local_port(self, workload: Workload, target: str) -> int:
        image = workload.containers[0].image
        if image.startswith("redis"):
            return self.redis.port
        if image.startswith("postgres"):
            return self.postgres.port
        container = next(c for c in workload.containers if c.ports)
        return self.ports[workload.name][container.port(target)]

    def _stand_in(self, workload: Workload) -> None:
        """The test's Postgres takes the role, password and database the manifests give the
        postgres image, which makes POSTGRES_USER a superuser (as RDS's master user may create
        roles, which ``relnotes migrate`` does)."""
        env = workload.containers[0].env
        if not workload.containers[0].image.startswith("postgres"):
            return
        user, password = env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]
        with psycopg.connect(self.postgres.dsn(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} SUPERUSER LOGIN PASSWORD {}").format(
                    sql.Identifier(user), sql.Literal(password)
                )
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(env.get("POSTGRES_DB", user)), sql.Identifier(user)
                )
            )

    def _environment(
        self, workload: str, container: Container, services: dict[str, str]
    ) -> dict[str, str]:
        mounts = self.workdir / "mounts" / workload / container.name
        env = dict(container.env)
        for path, content in container.files.items():
            local = mounts / path.lstrip("/")
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(content)
        for key, value in env.items():
            for address, local_address in services.items():
                value = value.replace(address, local_address)
            if any(p == value or p.startswith(f"{value.rstrip('/')}/") for p in container.files):
                value = str(mounts / value.lstrip("/"))  # a path inside a mounted volume
            env[key] = value
        if "operator" in container.argv:
            env["KUBECONFIG"] = str(self.kubectl.config)
        return env

    def run(
        self, workload: str, container: Container, services: dict[str, str], *, wait: bool
    ) -> None:
        """Start (or, with ``wait``, run to completion) one container as a process."""
        argv = listen_args(container.argv, self.ports.get(workload, {}))
        argv = [RELNOTES if a == "relnotes" else a for a in argv[:1]] + argv[1:]
        env = self._environment(workload, container, services)
        self.argv[workload] = (argv, env)
        self.launch(workload)
        if wait:
            code = self.processes[workload].wait(timeout=START_TIMEOUT_S)
            assert code == 0, f"{workload} exited {code}:\n{self.log(workload)[-LOG_TAIL:]}"

    def launch(self, workload: str) -> None:
        """(Re)start a workload's process with the argv and environment it was first given."""
        argv, env = self.argv[workload]
        self.processes[workload] = spawn(argv, env, self.logs / f"{workload}.log")

    def wait_ready(self, workload: str, container: Container) -> None:
        """Poll the container's readiness probe until it answers 200 (bounded)."""
        if container.readiness is None:
            return
        path, port = container.readiness
        url = f"http://127.0.0.1:{self.ports[workload][container.port(port)]}{path}"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            process = self.processes[workload]
            assert process.poll() is None, (
                f"{workload} exited {process.returncode}:\n{self.log(workload)[-LOG_TAIL:]}"
            )
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"{workload} not ready at {url}:\n{self.log(workload)[-LOG_TAIL:]}")

    def url(self, workload: str, container_port: int) -> str:
        return f"http://127.0.0.1:{self.ports[workload][container_port]}"

    def log(self, workload: str) -> str:
        path = self.logs / f"{workload}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, workload: str, signum: int = signal.SIGKILL) -> None:
        process = self.processes[workload]
        process.send_signal(signum)
        process.wait(timeout=30)

    def all_logs(self) -> dict[str, str]:
        return {
            path.stem: path.read_text(errors="replace") for path in sorted(self.logs.glob("*.log"))
        }

    def stop(self) -> None:
        everything: list[subprocess.Popen[Any]] = [*self.processes.values()]
        everything += [self._api] if self._api else []
        for process in everything:
            if process.poll() is None:
                process.terminate()
        for process in everything:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

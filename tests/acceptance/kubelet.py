"""Runs the workloads that ``kubectl apply -k manifests/overlays/kind`` put into the API as a
kubelet would: each relnotes container becomes a process of the installed ``relnotes`` console
script with the container's own ``args``, its ``env`` resolved from the ConfigMaps and Secrets in
the API, and its Secret and ConfigMap volumes written to a directory standing in for the mount.

What differs from a node, and why:
- Pods share this host's network, so each listening container gets a free 127.0.0.1 port instead
  of its ``containerPort`` (``--host``/``--port`` and the operator's probe address are rewritten),
  and Service DNS names in the environment (``relnotes-model-service.relnotes.svc:8000``) point
  at the port of the process behind that Service.
- The Redis and Postgres Deployments (stock images) are stood in for by real servers started by
  the test; the Postgres one gets the role, password and database of the manifests' Secret.
- The operator logs in through a kubeconfig file (``KUBECONFIG``), the path kopf takes outside a
  pod, instead of a service account token.
"""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Container", "Workload", "listen_args", "read_workloads", "spawn"]

RELNOTES_IMAGE = "relnotes:"


@dataclass
class Container:
    """One container of a workload, resolved from the API objects."""

    workload: str
    name: str
    image: str
    argv: list[str]
    env: dict[str, str]
    ports: dict[str, int]  # name (or number as text) -> containerPort
    readiness: tuple[str, str] | None  # (path, port name or number)
    files: dict[str, bytes] = field(default_factory=dict)  # mounted path -> content

    @property
    def relnotes(self) -> bool:
        return self.image.startswith(RELNOTES_IMAGE)

    def port(self, ref: str) -> int:
        """The containerPort a probe or Service names (by name or number)."""
        return self.ports.get(ref) or int(ref)


@dataclass
class Workload:
    """A Deployment or Job and its pod template's labels."""

    kind: str
    name: str
    labels: dict[str, str]
    containers: list[Container]


def _decode(secret: Mapping[str, Any]) -> dict[str, bytes]:
    data = {k: base64.b64decode(v) for k, v in (secret.get("data") or {}).items()}
    data |= {k: v.encode() for k, v in (secret.get("stringData") or {}).items()}
    return data


def _sources(objects: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, bytes]]:
    """(kind, name) -> key -> bytes, for every ConfigMap and Secret."""
    found: dict[tuple[str, str], dict[str, bytes]] = {}
    for obj in objects:
        name = obj["metadata"]["name"]
        if obj["kind"] == "Secret":
            found["Secret", name] = _decode(obj)
        elif obj["kind"] == "ConfigMap":
            found["ConfigMap", name] = {k: v.encode() for k, v in (obj.get("data") or {}).items()}
    return found


def _ref(
    sources: Mapping[tuple[str, str], dict[str, bytes]], kind: str, ref: Mapping[str, Any]
) -> bytes | None:
    data = sources.get((kind, ref["name"]))
    if data is None or ref["key"] not in data:
        if ref.get("optional"):
            return None
        raise LookupError(f"{kind} {ref['name']} has no key {ref['key']!r}")
    return data[ref["key"]]


def _env(
    spec: Mapping[str, Any], sources: Mapping[tuple[str, str], dict[str, bytes]]
) -> dict[str, str]:
    env: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        kind = "ConfigMap" if "configMapRef" in source else "Secret"
        ref = source.get("configMapRef") or source.get("secretRef") or {}
        for key, raw in sources.get((kind, ref["name"]), {}).items():
            env[source.get("prefix", "") + key] = raw.decode()
    for entry in spec.get("env", []):
        if "value" in entry:
            env[entry["name"]] = entry["value"]
            continue
        value_from = entry.get("valueFrom", {})
        value: bytes | None
        if "configMapKeyRef" in value_from:
            value = _ref(sources, "ConfigMap", value_from["configMapKeyRef"])
        elif "secretKeyRef" in value_from:
            value = _ref(sources, "Secret", value_from["secretKeyRef"])
        else:
            raise NotImplementedError(f"env {entry['name']}: {value_from} is not emulated")
        if value is not None:
            env[entry["name"]] = value.decode()
    return env


def _files(
    pod: Mapping[str, Any],
    spec: Mapping[str, Any],
    sources: Mapping[tuple[str, str], dict[str, bytes]],
) -> dict[str, bytes]:
    """Every file the container's Secret / ConfigMap volume mounts show it."""
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    files: dict[str, bytes] = {}
    for mount in spec.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        if "secret" in volume:
            data = sources.get(("Secret", volume["secret"]["secretName"]), {})
            items = volume["secret"].get("items")
        elif "configMap" in volume:
            data = sources.get(("ConfigMap", volume["configMap"]["name"]), {})
            items = volume["configMap"].get("items")
        else:
            continue  # emptyDir and the like: nothing to show
        paths = {i["key"]: i["path"] for i in items} if items else {k: k for k in data}
        for key, path in paths.items():
            if key in data:
                files[f"{mount['mountPath'].rstrip('/')}/{path}"] = data[key]
    return files


def _container(
    workload: str,
    pod: Mapping[str, Any],
    spec: Mapping[str, Any],
    sources: Mapping[tuple[str, str], dict[str, bytes]],
) -> Container:
    command = spec.get("command") or ["relnotes"]  # the image's ENTRYPOINT
    probe = (spec.get("readinessProbe") or {}).get("httpGet")
    ports = {
        str(p.get("name") or p["containerPort"]): p["containerPort"] for p in spec.get("ports", [])
    }
    return Container(
        workload=workload,
        name=spec["name"],
        image=spec["image"],
        argv=[*command, *spec.get("args", [])],
        env=_env(spec, sources),
        ports=ports,
        readiness=(probe["path"], str(probe["port"])) if probe else None,
        files=_files(pod, spec, sources),
    )


def read_workloads(kubectl: Callable[..., Any], namespace: str) -> list[Workload]:
    """The Deployments and Jobs of ``namespace``, as the API holds them."""
    objects = kubectl("get", "configmaps,secrets,deployments,jobs", "-n", namespace)["items"]
    sources = _sources(objects)
    workloads = []
    for obj in objects:
        if obj["kind"] not in {"Deployment", "Job"}:
            continue
        template = obj["spec"]["template"]
        pod = template["spec"]
        name = obj["metadata"]["name"]
        containers = [_container(name, pod, c, sources) for c in pod["containers"]]
        labels = template.get("metadata", {}).get("labels", {})
        workloads.append(Workload(obj["kind"], name, labels, containers))
    return workloads


def listen_args(argv: list[str], ports: Mapping[int, int]) -> list[str]:
    """``argv`` with each listen address moved to 127.0.0.1 and its local port (see module doc)."""
    out = list(argv)
    for i, arg in enumerate(out[:-1]):
        if arg == "--host":
            out[i + 1] = "127.0.0.1"
        elif arg == "--port":
            out[i + 1] = str(ports[int(out[i + 1])])
    if "operator" in out and "--liveness" not in out:  # the default liveness port, 8081
        out += ["--liveness", f"http://127.0.0.1:{ports[8081]}/healthz"]
    return out


def spawn(argv: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start one process with only the container's environment (plus PATH and locale)."""
    base = {k: os.environ[k] for k in ("PATH", "LANG", "HOME", "TMPDIR") if k in os.environ}
    with log.open("ab") as out:
        return subprocess.Popen(
            argv,
            env={**base, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

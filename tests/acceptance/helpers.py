"""What the acceptance tests do as users: create namespaces, wait on notes, read the view."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from tests.acceptance.system import System

__all__ = ["create_namespace", "get", "ready", "resources", "rows", "wait_until"]

T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout_s: float = 60.0, what: str = "condition") -> T:
    """Poll ``check`` until it returns something truthy; bounded by ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout_s}s (last: {result!r})")
        time.sleep(0.25)


def create_namespace(system: System, name: str) -> None:
    """``kubectl create namespace NAME``.

    kubectl sends this one request as Kubernetes protobuf (a typed client), which the emulated
    API server cannot decode; every other request in these tests is kubectl's own JSON. So the
    test asks kubectl for the exact object it would send and creates it with kubectl as JSON.
    """
    existing = system.kubectl.run("get", "namespace", name, "--ignore-not-found", "-o", "name")
    if existing.strip():
        return
    rendered = system.kubectl.run("create", "namespace", name, "--dry-run=client", "-o", "json")
    system.kubectl.run("create", "-f", "-", stdin=rendered)


def resources(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def ready(note: dict[str, Any]) -> bool:
    """Ready True for the object's current generation."""
    status = note.get("status") or {}
    conditions = {c["type"]: c for c in status.get("conditions", [])}
    return bool(
        conditions.get("Ready", {}).get("status") == "True"
        and status.get("observedGeneration") == note["metadata"]["generation"]
    )


def get(url: str, accept: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET with ``Accept``."""
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - 127.0.0.1
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return answer.status, answer.headers.get_content_type(), answer.read().decode()


def as_json(body: str) -> Any:
    return json.loads(body)


def rows(text: str) -> list[dict[str, str]]:
    """A ``kubectl get`` table as {COLUMN: cell} rows, cut at the header's column starts."""
    lines = text.rstrip("\n").splitlines()
    header = lines[0]
    starts = [i for i, ch in enumerate(header) if ch != " " and (i == 0 or header[i - 1] == " ")]
    bounds = [*starts[1:], None]
    return [
        {n: line[s:e].strip() for n, s, e in zip(header.split(), starts, bounds, strict=True)}
        for line in lines[1:]
    ]

"""Faults that need the real processes (issue #9): the operator SIGKILLed mid-generation and
restarted at once, and the model-service process stopped and started again.

Each asserts what the issue's table measures: time to Ready once the fault clears (<= 30 s),
rows per (uid, generation), model calls per distinct input (the model-service's own metrics),
and the operator's probe answers while the fault lasts.
"""

from __future__ import annotations

import json
import re
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from tests.acceptance.helpers import create_namespace, ready, wait_until
from tests.acceptance.system import System

NAMESPACE = "faults"
OPERATOR, MODEL = "relnotes-operator", "relnotes-model-service"
PROBE_PORT, MODEL_PORT = 8081, 8000
RECOVERY_S = 30.0  # the bound: every note Ready within 30 s of the fault clearing


def apply(system: System, name: str, summary: str) -> None:
    manifest = {
        "apiVersion": "relnotes.io/v1alpha1",
        "kind": "ReleaseNote",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {"changeSummary": summary},
    }
    system.kubectl.run("apply", "-f", "-", stdin=json.dumps(manifest))


def note(system: System, name: str) -> dict[str, Any]:
    found: dict[str, Any] = system.kubectl.json("get", "releasenote", name, "-n", NAMESPACE)
    return found


def reason(system: System, name: str) -> str:
    conditions = {
        c["type"]: c for c in (note(system, name).get("status") or {}).get("conditions", [])
    }
    return str(conditions.get("Ready", {}).get("reason", ""))


def probe(system: System, path: str) -> tuple[int, Any]:
    url = f"{system.url(OPERATOR, PROBE_PORT)}{path}"
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - 127.0.0.1
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def completions(system: System) -> int:
    """Chat completions the model-service process answered 200 since it started."""
    url = f"{system.url(MODEL, MODEL_PORT)}/metrics"
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - 127.0.0.1
        text = answer.read().decode()
    found = re.findall(
        r'^relnotes_model_requests_total\{[^}]*status="200"[^}]*\} (\S+)$', text, re.M
    )
    return int(sum(float(n) for n in found))


def rows(system: System, uid: str) -> list[tuple[int, str]]:
    with psycopg.connect(system.postgres.dsn("relnotes")) as conn:
        found = conn.execute(
            "SELECT generation, phase FROM release_notes WHERE uid = %s ORDER BY generation",
            (uid,),
        ).fetchall()
    return [(g, p) for g, p in found]


@pytest.fixture(scope="module")
def faulty(system: System) -> Iterator[System]:
    create_namespace(system, NAMESPACE)
    yield system
    for workload in (MODEL, OPERATOR):  # whatever a failed test left stopped
        process = system.processes[workload]
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
        else:
            system.launch(workload)


def test_operator_killed_mid_generation_is_ready_within_30s_of_the_model_answering(
    faulty: System,
) -> None:
    system = faulty
    model = system.processes[MODEL]
    model.send_signal(signal.SIGSTOP)  # the model call hangs: the operator holds the lock
    try:
        apply(system, "killed-mid-call", "Raise the orders RDS storage from 100 to 200 GiB")
        wait_until(
            lambda: reason(system, "killed-mid-call") == "WaitingForModel",
            timeout_s=20,
            what="phase Generating/WaitingForModel",
        )
        system.kill(OPERATOR)  # SIGKILL: the lock is never released by its holder
        system.launch(OPERATOR)  # the Deployment's new pod, at once
    finally:
        model.send_signal(signal.SIGCONT)
    answering = time.monotonic()
    wait_until(
        lambda: ready(note(system, "killed-mid-call")),
        timeout_s=RECOVERY_S + 10,
        what="Ready after the operator restart",
    )
    assert time.monotonic() - answering <= RECOVERY_S
    uid = note(system, "killed-mid-call")["metadata"]["uid"]
    assert rows(system, uid) == [(1, "Ready")]
    assert completions(system) <= 2  # the dead operator's call, then the new one's at most


def test_model_service_stopped_degrades_readiness_keeps_liveness_and_notes_recover(
    faulty: System,
) -> None:
    system = faulty
    system.kill(MODEL)
    summaries = ["Enable TLS between the API and Postgres", "Raise the node group max to 12"]
    names = [f"outage-{i}" for i in range(6)]
    for i, name in enumerate(names):
        apply(system, name, summaries[i % 2])
    seen: set[str] = set()

    def every_note_said_model_unavailable() -> bool:
        seen.update(n for n in names if reason(system, n) == "ModelUnavailable")
        return seen == set(names)

    wait_until(every_note_said_model_unavailable, timeout_s=30, what="ModelUnavailable on all")
    assert probe(system, "/healthz")[0] == 200  # never restarted for a dependency
    status, body = probe(system, "/readyz")
    assert status == 200
    assert (body["model-service"], body["postgres"]) == ("degraded", "ok")

    system.launch(MODEL)
    back = time.monotonic()
    wait_until(
        lambda: all(ready(note(system, n)) for n in names),
        timeout_s=RECOVERY_S + 10,
        what="every note Ready after the model-service restart",
    )
    assert time.monotonic() - back <= RECOVERY_S
    assert completions(system) == len(summaries)  # one model call per distinct input
    for name in names:
        assert rows(system, note(system, name)["metadata"]["uid"]) == [(1, "Ready")]
    wait_until(lambda: probe(system, "/readyz")[1].get("model-service") == "ok", timeout_s=20)

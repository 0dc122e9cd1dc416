"""A platform engineer's day with relnotes, through kubectl, the API and the view."""

from __future__ import annotations

import html
import json
from typing import Any

import psycopg
import pytest
from tests.acceptance.helpers import create_namespace, get, ready, resources, rows, wait_until
from tests.acceptance.system import System
from tests.kube_tables import jsonpath
from tests.tools import REPO

SAMPLES = sorted((REPO / "samples").glob("*.yaml"))
CRD = resources(REPO / "crds" / "releasenotes.relnotes.io.yaml")[0]
COLUMNS = CRD["spec"]["versions"][0]["additionalPrinterColumns"]
VIEW_PORT = 8080


def notes(system: System) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = system.kubectl.json("get", "releasenotes", "-A")["items"]
    return items


def history(system: System, uid: str) -> list[tuple[int, str, Any]]:
    with psycopg.connect(system.postgres.dsn("relnotes")) as conn:
        found = conn.execute(
            "SELECT generation, phase, deleted_at FROM release_notes WHERE uid = %s"
            " ORDER BY generation",
            (uid,),
        ).fetchall()
    return [(g, p, d) for g, p, d in found]


@pytest.fixture(scope="module")
def applied(system: System) -> list[dict[str, Any]]:
    """Every sample applied with kubectl, into the namespaces it names, and Ready."""
    documents = [doc for path in SAMPLES for doc in resources(path)]
    for namespace in sorted({d["metadata"].get("namespace", "default") for d in documents}):
        create_namespace(system, namespace)
    for path in SAMPLES:
        system.kubectl.run("apply", "-f", str(path))

    def all_ready() -> list[dict[str, Any]]:
        found = notes(system)
        return found if len(found) == len(documents) and all(map(ready, found)) else []

    return wait_until(all_ready, what="every sample Ready")


def test_every_sample_is_ready_and_the_columns_show_its_status(
    system: System, applied: list[dict[str, Any]]
) -> None:
    table = {
        (r["NAMESPACE"], r["NAME"]): r
        for r in rows(system.kubectl.run("get", "rn", "-A", "-o", "wide"))
    }
    assert len(table) == len(applied)
    for note in applied:
        row = table[note["metadata"]["namespace"], note["metadata"]["name"]]
        assert (row["READY"], row["PHASE"], row["PROVIDER"]) == ("True", "Ready", "deterministic")
        for column in COLUMNS:  # each column shows the field of `-o json` it points at
            value = jsonpath(note, column["jsonPath"])
            assert value is not None, f"{column['name']} points at nothing in {note['status']}"
            if column["type"] != "date":
                shown = str(value).lower() if isinstance(value, bool) else str(value)
                assert row[column["name"].upper()] == shown
        assert note["status"]["note"].strip()
        assert len(note["status"]["scenarios"]) == note["spec"].get("testScenarios", 3)


def test_the_view_serves_every_note_as_html_markdown_and_json(
    system: System, applied: list[dict[str, Any]]
) -> None:
    base = system.url("relnotes-view", VIEW_PORT)
    for note in applied:
        meta, status = note["metadata"], note["status"]
        url = f"{base}/notes/{meta['namespace']}/{meta['name']}"
        code, kind, page = get(url, "text/html")
        assert (code, kind) == (200, "text/html")
        assert html.escape(status["note"], quote=False) in page
        code, kind, markdown = get(url, "text/markdown")
        assert (code, kind) == (200, "text/markdown")
        assert status["note"] in markdown
        code, kind, body = get(url, "application/json")
        assert (code, kind) == (200, "application/json")
        assert status["note"] in body
        assert meta["uid"] in body


def test_a_spec_update_drafts_the_note_again(system: System, applied: list[dict[str, Any]]) -> None:
    note = next(n for n in applied if n["metadata"]["name"] == "rds-instance-class")
    meta = note["metadata"]
    summary = "Resized the production RDS instance from db.t3.small to db.m6g.large."
    patch = json.dumps({"spec": {"changeSummary": summary}})
    system.kubectl.run(
        "patch", "rn", meta["name"], "-n", meta["namespace"], "--type=merge", "-p", patch
    )

    def regenerated() -> dict[str, Any]:
        found: dict[str, Any] = system.kubectl.json(
            "get", "rn", meta["name"], "-n", meta["namespace"]
        )
        return found if found["metadata"]["generation"] == 2 and ready(found) else {}

    updated = wait_until(regenerated, what="generation 2 Ready")
    assert "db.m6g.large" in updated["status"]["note"]
    assert updated["status"]["note"] != note["status"]["note"]
    generations = [(g, p) for g, p, _ in history(system, meta["uid"])]
    assert generations == [(1, "Ready"), (2, "Ready")]  # one row per (uid, generation)


def test_a_delete_marks_the_history_deleted(system: System, applied: list[dict[str, Any]]) -> None:
    note = next(n for n in applied if n["metadata"]["name"] != "rds-instance-class")
    meta = note["metadata"]
    system.kubectl.run("delete", "rn", meta["name"], "-n", meta["namespace"], "--timeout=30s")
    assert not system.kubectl.run(
        "get", "rn", "-n", meta["namespace"], meta["name"], "--ignore-not-found"
    )
    marked = wait_until(
        lambda: (
            all(d is not None for _, _, d in history(system, meta["uid"]))
            and history(system, meta["uid"])
        ),
        what="history marked deleted",
    )
    assert marked

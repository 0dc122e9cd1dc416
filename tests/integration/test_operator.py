"""The operator in-process: kopf on kmock's emulator, real Redis, Postgres and model-service.

Every test observes what a user would: the status and Events on the object, the rows in
Postgres, and the number of chat completions the model-service was asked for.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from harness import Cluster, FaultProxy, eventually, manifest, note_rows, running_operator
from servers import PostgresServer, RedisServer

from relnotes.controller.handlers import build_registry
from relnotes.controller.sweep import LIST_PAGE

BASE = "/apis/relnotes.io/v1alpha1/namespaces/ns1/releasenotes"
MERGE = {"Content-Type": "application/merge-patch+json"}
SUMMARY = "Upgrade the staging Redis cluster from 6.2 to 7.2 with a rolling restart"


async def create(cluster: Cluster, name: str, summary: str = SUMMARY, **spec: Any) -> None:
    response = await cluster.post(BASE, json=manifest(name, {"changeSummary": summary, **spec}))
    assert response.status == 200, await response.text()


async def merge(cluster: Cluster, name: str, patch: dict[str, Any], sub: str = "") -> None:
    response = await cluster.patch(f"{BASE}/{name}{sub}", json=patch, headers=MERGE)
    assert response.status == 200, await response.text()


def status(cluster: Cluster, name: str) -> dict[str, Any]:
    found: dict[str, Any] = cluster.note("ns1", name).get("status") or {}
    return found


def condition(cluster: Cluster, name: str, kind: str) -> dict[str, Any]:
    (found,) = [c for c in status(cluster, name).get("conditions", []) if c["type"] == kind]
    return dict(found)


def is_ready(cluster: Cluster, name: str, generation: int = 1) -> bool:
    current = status(cluster, name)
    return current.get("phase") == "Ready" and current.get("observedGeneration") == generation


async def all_ready(cluster: Cluster, names: list[str], timeout_s: float = 30.0) -> None:
    await eventually(lambda: all(is_ready(cluster, n) for n in names), timeout_s=timeout_s)


async def test_create_becomes_ready_with_full_status(
    operator: Cluster, model: FaultProxy, database: str
) -> None:
    await create(operator, "redis-upgrade", component="redis", version="2024.06.1")
    await eventually(lambda: is_ready(operator, "redis-upgrade"))

    obj = operator.note("ns1", "redis-upgrade")
    current = obj["status"]
    assert current["note"].endswith((".", "!"))
    assert current["category"]
    assert current["risk"] in {"low", "medium", "high"}
    assert len(current["scenarios"]) == 3
    assert all(s["title"] and s["expected"] for s in current["scenarios"])
    assert current["provider"]
    assert current["model"] == "relnotes-deterministic"
    assert current["promptVersion"]
    assert current["cacheKey"].startswith("rn1:")
    assert current["cacheHit"] is False
    tokens = current["tokens"]
    assert tokens["total"] == tokens["prompt"] + tokens["completion"]
    assert current["latencyMs"] >= 0
    assert current["viewUrl"] == "https://notes.example.test/notes/ns1/redis-upgrade"
    kinds = [c["type"] for c in current["conditions"]]
    assert kinds == ["Accepted", "Generated", "Persisted", "Ready"]
    for cond in current["conditions"]:
        assert cond["status"] == "True", cond
        assert cond["reason"]
        assert cond["message"]
        assert cond["lastTransitionTime"]
        assert cond["observedGeneration"] == 1
    assert model.calls == 1
    await eventually(lambda: operator.events("Generated"), timeout_s=5)
    uid = obj["metadata"]["uid"]
    assert [(r[1], r[2]) for r in note_rows(database, uid)] == [(1, "Ready")]


async def test_spec_update_regenerates_and_status_churn_does_not(
    operator: Cluster, model: FaultProxy, database: str
) -> None:
    await create(operator, "dns")
    await eventually(lambda: is_ready(operator, "dns"))
    first = status(operator, "dns")
    ready_since = condition(operator, "dns", "Ready")["lastTransitionTime"]

    await merge(operator, "dns", {"status": {"note": "A person edited this."}}, sub="/status")
    await merge(operator, "dns", {"metadata": {"labels": {"team": "platform"}}})
    await asyncio.sleep(1.5)
    assert model.calls == 1
    assert operator.note("ns1", "dns")["metadata"]["generation"] == 1
    assert status(operator, "dns")["note"] == "A person edited this."

    await merge(operator, "dns", {"spec": {"changeSummary": "Move the public DNS zone to Route53"}})
    await eventually(lambda: is_ready(operator, "dns", generation=2))
    second = status(operator, "dns")
    assert second["cacheKey"] != first["cacheKey"]
    assert second["note"] != "A person edited this."
    assert all(c["observedGeneration"] == 2 for c in second["conditions"])
    assert condition(operator, "dns", "Ready")["lastTransitionTime"] == ready_since
    assert model.calls == 2
    uid = operator.note("ns1", "dns")["metadata"]["uid"]
    assert [(r[1], r[2]) for r in note_rows(database, uid)] == [(1, "Ready"), (2, "Ready")]


async def test_regenerate_annotation_forces_one_model_call(
    operator: Cluster, model: FaultProxy
) -> None:
    await create(operator, "a")
    await create(operator, "b")
    await all_ready(operator, ["a", "b"])
    assert model.calls == 1  # b found a's note in the cache

    await merge(operator, "b", {"metadata": {"annotations": {"relnotes.io/regenerate": "1"}}})
    await eventually(lambda: status(operator, "b").get("regenerateToken") == "1")
    assert model.calls == 2
    assert status(operator, "b")["cacheHit"] is False
    await asyncio.sleep(1)
    assert model.calls == 2  # handled once, not on every later event


async def test_identical_inputs_coalesce_into_one_model_call_each(
    operator: Cluster, model: FaultProxy
) -> None:
    summaries = [f"Rotate the {what} credentials in every region" for what in ("db", "mq", "s3")]
    names = [f"note-{i}" for i in range(20)]
    await asyncio.gather(*(create(operator, n, summaries[i % 3]) for i, n in enumerate(names)))
    await all_ready(operator, names, timeout_s=60)
    assert model.calls == 3
    hits = [status(operator, n)["cacheHit"] for n in names]
    assert hits.count(False) == 3
    await eventually(lambda: len(operator.events("CacheHit")) == 17, timeout_s=10)


async def test_redis_stopped_mid_run_does_not_stop_generation(
    cluster: Cluster,
    operator_env: None,
    private_redis: RedisServer,
    model: FaultProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RELNOTES_REDIS_URL", private_redis.url)
    async with running_operator(build_registry()):
        await create(cluster, "before")
        await eventually(lambda: is_ready(cluster, "before"))
        private_redis.stop()
        await create(cluster, "after-1", "Enable TLS between the API and Postgres")
        await create(cluster, "after-2", "Raise the EKS node group maximum to 12 nodes")
        await all_ready(cluster, ["after-1", "after-2"])
        assert model.calls == 3


async def test_postgres_down_means_no_model_call_then_recovery_without_duplicates(
    cluster: Cluster, model: FaultProxy, own_postgres: tuple[PostgresServer, str]
) -> None:
    server, dsn = own_postgres
    async with running_operator(build_registry()):
        await create(cluster, "first")
        await eventually(lambda: is_ready(cluster, "first"))
        server.stop()
        await create(cluster, "second", "Shorten the ALB idle timeout to 60 seconds")
        await eventually(lambda: condition(cluster, "second", "Ready")["status"] == "False")
        ready = condition(cluster, "second", "Ready")
        assert ready["reason"] == "StoreUnavailable"
        assert condition(cluster, "second", "Persisted")["status"] == "False"
        assert status(cluster, "second")["phase"] == "Retrying"
        await asyncio.sleep(1.5)  # several retries while Postgres is down
        assert model.calls == 1
        await eventually(lambda: operator_events_for(cluster, "second", "StoreUnavailable"))

        server.start()
        await eventually(lambda: is_ready(cluster, "second"), timeout_s=30)
        assert model.calls == 2
        uid = cluster.note("ns1", "second")["metadata"]["uid"]
        assert [(r[1], r[2]) for r in note_rows(dsn, uid)] == [(1, "Ready")]


@pytest.mark.parametrize("fault", ["503", "hang"])
async def test_model_service_outage_is_retried_then_recovers(
    operator: Cluster, model: FaultProxy, fault: str
) -> None:
    model.mode = fault  # type: ignore[assignment]
    await create(operator, "outage")
    await eventually(
        lambda: condition(operator, "outage", "Ready")["reason"] == "ModelUnavailable",
        timeout_s=20,
    )
    assert status(operator, "outage")["phase"] == "Retrying"
    assert condition(operator, "outage", "Generated")["status"] == "False"
    refused = model.refused
    await asyncio.sleep(1)
    assert model.refused <= refused + 3  # bounded backoff, not a tight loop
    model.mode = "pass"
    await eventually(lambda: is_ready(operator, "outage"), timeout_s=30)
    await eventually(lambda: operator.events("ModelUnavailable"), timeout_s=5)


async def test_invalid_output_is_retried_a_bounded_number_of_times_then_fails(
    operator: Cluster, model: FaultProxy, database: str
) -> None:
    model.mode = "garbage"
    await create(operator, "garbage")
    await eventually(lambda: status(operator, "garbage").get("phase") == "Failed", timeout_s=30)
    ready = condition(operator, "garbage", "Ready")
    assert ready["status"] == "False"
    assert ready["reason"] == "InvalidOutputExhausted"
    assert model.calls == 3
    await asyncio.sleep(1.5)
    assert model.calls == 3
    uid = operator.note("ns1", "garbage")["metadata"]["uid"]
    assert [(r[1], r[2]) for r in note_rows(database, uid)] == [(1, "Failed")]


async def test_invalid_spec_fails_permanently_naming_the_field(
    operator: Cluster, model: FaultProxy
) -> None:
    await create(operator, "bad", tone="angry")
    await eventually(lambda: status(operator, "bad").get("phase") == "Failed")
    accepted = condition(operator, "bad", "Accepted")
    assert accepted["status"] == "False"
    assert accepted["reason"] == "InvalidSpec"
    assert "spec.tone" in accepted["message"]
    assert condition(operator, "bad", "Ready")["reason"] == "InvalidSpec"
    assert model.calls == 0


async def test_delete_is_never_blocked_and_history_is_marked_even_when_postgres_was_down(
    cluster: Cluster, model: FaultProxy, own_postgres: tuple[PostgresServer, str]
) -> None:
    server, dsn = own_postgres
    async with running_operator(build_registry()):
        await create(cluster, "kept")
        await create(cluster, "orphan", "Drop the legacy NAT gateway in eu-west-1")
        await all_ready(cluster, ["kept", "orphan"])
        uids = {n: cluster.note("ns1", n)["metadata"]["uid"] for n in ("kept", "orphan")}
        # No finalizer, no metadata: the operator writes only the status subresource.
        assert {sub for method, sub in cluster.writes if method == "PATCH"} == {"status"}

        await cluster.delete(f"{BASE}/kept")
        assert not cluster.exists("ns1", "kept")  # gone at once: nothing waits on relnotes
        await eventually(lambda: note_rows(dsn, uids["kept"])[0][3] is not None)
        ((_, _, phase, _),) = note_rows(dsn, uids["kept"])
        assert phase == "Ready"  # the history stays, marked deleted

        server.stop()
        await cluster.delete(f"{BASE}/orphan")
        assert not cluster.exists("ns1", "orphan")
        await eventually(lambda: cluster.events("HistoryNotMarked"), timeout_s=10)
        server.start()
        # The periodic sweep (1 s here) marks what the DELETED event could not.
        await eventually(lambda: note_rows(dsn, uids["orphan"])[0][3] is not None, timeout_s=20)


async def test_what_changed_while_no_operator_ran_is_drafted_when_one_starts(
    operator_env: None, cluster: Cluster, model: FaultProxy, database: str
) -> None:
    """A restart re-drafts from kopf's own record in status (the configuration it last handled,
    its unfinished handlers): a spec changed, a new regenerate token and a note created while
    the operator was down are drafted; a note that did not change costs nothing."""
    names = ["edited", "token", "same"]
    async with running_operator(build_registry()):
        for name in names:
            await create(cluster, name, f"Rotate the TLS certificate of the {name} ingress")
        await all_ready(cluster, names)
    calls = model.calls
    await merge(cluster, "edited", {"spec": {"changeSummary": "Move the edited zone to Route53"}})
    await merge(cluster, "token", {"metadata": {"annotations": {"relnotes.io/regenerate": "1"}}})
    await create(cluster, "new", "Enable deletion protection on the orders database")

    async with running_operator(build_registry()):
        await eventually(lambda: is_ready(cluster, "edited", generation=2))
        await eventually(lambda: status(cluster, "token").get("regenerateToken") == "1")
        await eventually(lambda: is_ready(cluster, "new"))
        await asyncio.sleep(1.0)  # nothing more comes
    assert model.calls == calls + 3  # the edited spec, the token, the new note; not "same"
    uid = cluster.note("ns1", "same")["metadata"]["uid"]
    assert [(row[1], row[2]) for row in note_rows(database, uid)] == [(1, "Ready")]


async def test_resources_deleted_while_the_operator_was_down_are_marked_at_start(
    operator_env: None, cluster: Cluster, model: FaultProxy, database: str, redis_url: str
) -> None:
    async with running_operator(build_registry()):
        await create(cluster, "gone")
        await create(cluster, "stays", "Enable deletion protection on the orders database")
        await all_ready(cluster, ["gone", "stays"])
    uids = {n: cluster.note("ns1", n)["metadata"]["uid"] for n in ("gone", "stays")}
    await cluster.delete(f"{BASE}/gone")  # nobody is watching

    async with running_operator(build_registry()):
        await eventually(lambda: note_rows(database, uids["gone"])[0][3] is not None)
        await asyncio.sleep(1.5)  # another sweep: a live resource is never marked
    assert note_rows(database, uids["stays"])[0][3] is None


async def test_years_of_notes_are_listed_in_pages_and_the_sweep_reads_every_page(
    operator_env: None, cluster: Cluster, model: FaultProxy, database: str
) -> None:
    """More ReleaseNotes than fit a LIST page: kopf's listing and the sweep page through them
    (the emulator pages as kube-apiserver does), so a note past the first page is neither
    missed by the operator nor taken for deleted by the sweep."""
    names = [f"rn-{i:04d}" for i in range(2 * LIST_PAGE + 2)]  # 3 pages once one is gone
    async with running_operator(build_registry()):
        await asyncio.gather(*(create(cluster, name) for name in names))
        await all_ready(cluster, names, timeout_s=120)
    gone = names[LIST_PAGE + 7]  # on the second page
    uid = cluster.note("ns1", gone)["metadata"]["uid"]
    await cluster.delete(f"{BASE}/{gone}")  # nobody is watching
    writes, lists, metadata_lists = len(cluster.writes), len(cluster.lists), cluster.metadata_lists

    def continued() -> int:
        return sum("continue" in params for params in cluster.lists[lists:])

    async with running_operator(build_registry()):
        await eventually(lambda: note_rows(database, uid)[0][3] is not None)
        await eventually(lambda: continued() >= 2 * 2)  # kopf's three pages and the sweep's
        await asyncio.sleep(1.0)  # kopf has handled the last page: nothing to redraft
    assert len(cluster.writes) == writes
    pages = cluster.lists[lists:]
    assert all(params.get("limit") == str(LIST_PAGE) for params in pages), pages
    assert cluster.metadata_lists - metadata_lists >= 3  # the sweep read uids, not the notes
    marked = [row for row in note_rows(database) if row[3] is not None]
    assert [row[0] for row in marked] == [uid]  # every live note on a later page is seen live


def operator_events_for(cluster: Cluster, name: str, reason: str) -> list[dict[str, Any]]:
    return [e for e in cluster.events(reason) if e["involvedObject"]["name"] == name]


async def test_two_replicas_coalesce_and_a_restart_does_not_regenerate(
    cluster: Cluster,
    operator_env: None,
    model: FaultProxy,
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,
    database: str,
) -> None:
    monkeypatch.setenv("RELNOTES_REDIS_URL", redis_url)
    names = [f"twin-{i}" for i in range(6)]
    async with running_operator(build_registry()), running_operator(build_registry()):
        await asyncio.gather(*(create(cluster, name) for name in names))
        await all_ready(cluster, names)
        assert model.calls == 1  # both replicas, six resources: one model call
    rows_before = note_rows(database)
    assert len(rows_before) == len(names)  # one row per (uid, generation), not per replica

    async with running_operator(build_registry()):  # a restart: status already describes each
        await asyncio.sleep(1.5)
    assert model.calls == 1
    assert note_rows(database) == rows_before

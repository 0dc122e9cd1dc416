"""The operator's probe server: liveness never follows a dependency, readiness names each one.

Before, one kopf liveness endpoint ran every dependency check: Redis or the model-service down
answered 500 without saying which, and the kubelet restarted an operator that still drafted
notes. Each test takes one dependency away and asserts both probes' answers.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from harness import Cluster, FaultProxy, eventually, running_operator
from servers import PostgresServer, free_port
from test_operator import create, is_ready

from relnotes.controller.handlers import PROBE_PORT, build_registry

CLOSED = f"127.0.0.1:{free_port()}"  # nothing listens here


async def get(port: int, path: str) -> tuple[int, Any]:
    """GET a probe path once the server listens (it starts with the operator); bounded."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        for _ in range(100):
            try:
                async with session.get(f"http://127.0.0.1:{port}{path}") as response:
                    if path == "/metrics":
                        return response.status, await response.text()
                    return response.status, await response.json()
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"{path} never answered")


@pytest.mark.parametrize("missing", ["nothing", "redis", "model-service"])
async def test_soft_dependencies_down_mean_degraded_never_a_failed_liveness(
    cluster: Cluster,
    operator_env: None,
    model: FaultProxy,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    missing: str,
) -> None:
    monkeypatch.setenv("RELNOTES_REDIS_URL", redis_url)
    if missing == "redis":
        monkeypatch.setenv("RELNOTES_REDIS_URL", f"redis://{CLOSED}/0")
    if missing == "model-service":
        monkeypatch.setenv("RELNOTES_MODEL_SERVICE_URL", f"http://{CLOSED}/v1")
    port = free_port()
    async with running_operator(build_registry(), memo={PROBE_PORT: port}):
        status, alive = await get(port, "/healthz")
        assert (status, alive["status"]) == (200, "ok")  # starting, or watching already
        await eventually_alive(port)
        status, body = await eventually_ready(port)
        assert status == 200
        expected = {"postgres": "ok", "redis": "ok", "model-service": "ok"}
        if missing != "nothing":
            expected[missing] = "degraded"
            assert body["detail"][missing]  # says why
        assert {k: body[k] for k in expected} == expected


async def test_postgres_down_is_unready_but_alive_and_metrics_count_what_happened(
    cluster: Cluster, model: FaultProxy, own_postgres: tuple[PostgresServer, str]
) -> None:
    server, _ = own_postgres
    port = free_port()
    async with running_operator(build_registry(), memo={PROBE_PORT: port}):
        await create(cluster, "counted")
        await eventually(lambda: is_ready(cluster, "counted"))
        status, metrics = await get(port, "/metrics")
        assert status == 200
        for line in (
            'relnotes_operator_reconciles_total{outcome="ready"} 1.0',
            'relnotes_operator_model_calls_total{outcome="ok"} 1.0',
            'relnotes_note_ready{name="counted",namespace="ns1"} 1.0',
            "relnotes_operator_generation_seconds_count 1.0",
        ):
            assert line in metrics, line
        for name in ("cache_hits_total", "coalesced_waits_total", "lock_wait_seconds_count"):
            assert f"relnotes_operator_{name}" in metrics

        server.stop()
        status, body = await get(port, "/readyz")
        assert status == 503
        assert body["postgres"] == "down"
        assert body["detail"]["postgres"]
        assert await get(port, "/healthz") == (200, {"status": "ok", "detail": "watching"})
        server.start()
        status, body = await eventually_ready(port)
        assert (status, body["postgres"]) == (200, "ok")


async def eventually_ready(port: int) -> tuple[int, Any]:
    """/readyz once it answers 200 (the context opens after the server starts), bounded."""
    answer: list[tuple[int, Any]] = []

    async def poll() -> None:
        answer.append(await get(port, "/readyz"))

    async def ready() -> bool:
        await poll()
        return answer[-1][0] == 200

    for _ in range(50):
        if await ready():
            break
        await asyncio.sleep(0.2)
    return answer[-1]


async def eventually_alive(port: int) -> None:
    """/healthz says kopf's watchers run (within seconds of start), bounded."""
    for _ in range(50):
        if await get(port, "/healthz") == (200, {"status": "ok", "detail": "watching"}):
            return
        await asyncio.sleep(0.2)
    raise AssertionError("kopf's watchers never ran")

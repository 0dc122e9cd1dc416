"""How fast the operator turns ReleaseNotes into Ready notes, against a bare kopf baseline.

Three runs on the same in-process Kubernetes emulator (kmock), each with N fresh objects, each
with the operator in a process of its own (as in a cluster; it does not share a GIL with the
emulator):

* bare     - a kopf handler that only patches a constant status (the framework's own ceiling);
* miss     - relnotes with N distinct summaries: every note is drafted (deterministic engine,
             through the real model-service process over HTTP), cached in Redis, recorded in
             Postgres;
* hit      - relnotes again with the same summaries on new objects: every note is a cache hit;
* restart  - with the N Ready notes of the hit run still there, a fresh relnotes operator
             process, against a fresh bare kopf process on the bare run's N objects (its
             initial listing): each timed from process start to steady state, that is, until
             it has read the whole listing (its watch has begun) and then spent a second idle.
             kopf ends each object's worker 5 s after its last event (``settings.queueing.
             idle_timeout``): 10,000 exits cost about a tenth of a core for as long as the
             listing took, and when they begin depends on how long the listing took (bare
             kopf's single LIST ended before its first exits; a paged listing ends after).
             Both restarted processes keep their workers for 60 s, so neither counts them.

It prints each run's throughput and the ratios to bare kopf, model calls versus distinct inputs
(from the model-service's /metrics), the restart's model calls and writes to ReleaseNotes, and
each operator process's peak RSS (VmHWM). Targets (exit 1 when one is missed): misses >= 0.6 and
hits >= 0.85 of bare kopf; model calls = distinct inputs, 0 on hits; restart-to-steady <= 1.5x
bare kopf's, with 0 model calls and 0 writes; peak RSS <= 250 MiB.

    .venv/bin/python bench/operator_throughput.py --n 10000

Needs redis-server and PostgreSQL server binaries (as the integration tests do).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "integration")]  # tests.kube_emulator, harness

import aiohttp  # noqa: E402
import kopf  # noqa: E402
from harness import Cluster, api_server, kubeconfig, manifest  # noqa: E402
from servers import PostgresServer, RedisServer, find_pg_bin, free_port  # noqa: E402

from relnotes import API_GROUP, API_VERSION, PLURAL  # noqa: E402
from relnotes.controller.handlers import build_registry  # noqa: E402

MAX_N = 10_000
IDLE_S = 1.0  # steady: this long without the operator using CPU, after its watch began
HELD_WORKERS_S = 60.0  # kopf's per-object workers on restart (see the restart phase)
TARGETS = {"miss": 0.6, "hit": 0.85, "restart": 1.5, "rss_mib": 250.0}
PATH = f"/apis/{API_GROUP}/{API_VERSION}/namespaces/bench/{PLURAL}"
CALLS = re.compile(r'^relnotes_model_requests_total\{[^}]*status="200"[^}]*\} (\S+)$', re.M)


def bare_registry() -> kopf.OperatorRegistry:
    """The baseline: kopf does its bookkeeping and patches a constant status, nothing else."""
    registry = kopf.OperatorRegistry()

    @kopf.on.login(registry=registry)
    def login(**kwargs: Any) -> kopf.ConnectionInfo | None:
        info: kopf.ConnectionInfo | None = kopf.login_with_kubeconfig(**kwargs)
        return info

    @kopf.on.create(API_GROUP, API_VERSION, PLURAL, registry=registry)
    def create(patch: kopf.Patch, **_: Any) -> None:
        patch.status["phase"] = "Ready"
        patch.status["observedGeneration"] = 1

    return registry


async def child(kind: str, idle_timeout_s: float | None) -> None:
    """The operator process: run kopf clusterwide until SIGTERM; say READY on stdout."""
    settings = kopf.OperatorSettings()
    settings.scanning.disabled = True  # the emulator serves no CRDs to scan
    if idle_timeout_s is not None:
        settings.queueing.idle_timeout = idle_timeout_s
    registry = bare_registry() if kind == "bare" else build_registry()
    ready = asyncio.Event()
    operator = asyncio.create_task(
        kopf.operator(
            registry=registry,
            settings=settings,
            clusterwide=True,
            standalone=True,
            ready_flag=ready,
        )
    )
    await ready.wait()
    print("READY", flush=True)
    await operator


def peak_rss_mib(pid: int) -> float:
    """VmHWM (peak resident set) of a live process, in MiB."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) / 1024 if match else float("nan")


async def model_calls(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        text = await response.text()
    return int(sum(float(value) for value in CALLS.findall(text)))


class WatchedCluster(Cluster):
    """The emulator, noting when a watch of ReleaseNotes begins (kopf has read its listing)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.watches_begun = 0

    async def _serve_watch(self, request: Any) -> Any:
        if request.resource is not None and request.resource.plural == PLURAL:
            self.watches_begun += 1
        async for item in super()._serve_watch(request):
            yield item


@dataclass
class Outcome:
    seconds: float
    rss_mib: float
    restart_s: float | None = None
    restart_rss_mib: float | None = None
    restart_writes: int | None = None
    restart_calls: int | None = None


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def operator(
    kind: str, env: dict[str, str], config: Path, *, hold_workers: bool = False
) -> AsyncIterator[Any]:
    """An operator process of ``kind``, started and READY; stopped when the block exits.
    ``hold_workers`` keeps kopf's per-object workers for 60 s (see the restart phase)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--child",
        kind,
        *(["--idle-timeout", str(HELD_WORKERS_S)] if hold_workers else []),
        env={**env, "KUBECONFIG": str(config)},
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 120)
        if line.strip() != b"READY":
            raise RuntimeError(f"the {kind} operator did not start")
        yield process
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 60)


async def steady_after(cluster: WatchedCluster, pid: int, started: float) -> float:
    """Seconds from ``started`` to the last moment the operator was busy before IDLE_S of idle,
    counted only once its watch of ReleaseNotes began (so waiting for the listing is not idle)."""
    busy_at, cpu = time.monotonic(), cpu_seconds(pid)
    while True:
        await asyncio.sleep(0.1)
        now, used = time.monotonic(), cpu_seconds(pid)
        if used - cpu > 0.01 or cluster.watches_begun == 0:  # over 10% of a core: still working
            busy_at = now
        cpu = used
        if now - busy_at >= IDLE_S:
            return busy_at - started
        if now - started > 900:
            raise TimeoutError("the operator did not reach steady state within 900s")


async def run(
    kind: str,
    summaries: list[str],
    env: dict[str, str],
    *,
    restart: bool = False,
    metrics: str | None = None,
) -> Outcome:
    """Seconds from the first create until every object is Ready, the operator's peak RSS, and
    with ``restart``, the time to steady state of a fresh operator process on the Ready objects,
    its peak RSS, its writes to ReleaseNotes and (given the model-service's ``metrics``) its
    model calls."""
    cluster = WatchedCluster()
    cluster.declare()
    async with cluster, api_server(cluster):
        config = kubeconfig(Path(env["BENCH_TMP"]) / f"{kind}.kubeconfig", str(cluster.url))
        async with operator(kind, env, config) as process:
            outcome = Outcome(await create_and_wait(cluster, summaries), peak_rss_mib(process.pid))
        if not restart:
            return outcome
        cluster.watches_begun = 0
        writes, calls = len(cluster.writes), await model_calls(metrics) if metrics else 0
        started = time.monotonic()
        async with operator(kind, env, config, hold_workers=True) as process:
            outcome.restart_s = await steady_after(cluster, process.pid, started)
            outcome.restart_rss_mib = peak_rss_mib(process.pid)
        outcome.restart_writes = len(cluster.writes) - writes
        if metrics:
            outcome.restart_calls = await model_calls(metrics) - calls
        return outcome


async def create_and_wait(cluster: Cluster, summaries: list[str]) -> float:
    names = [f"rn-{i}" for i in range(len(summaries))]
    gate = asyncio.Semaphore(50)  # what kubectl apply of many files in parallel would do

    async def create(name: str, summary: str) -> None:
        async with gate:
            body = manifest(name, {"changeSummary": summary}, namespace="bench")
            response = await cluster.post(PATH, json=body)
            assert response.status == 200, await response.text()

    started = time.monotonic()
    await asyncio.gather(*(create(n, s) for n, s in zip(names, summaries, strict=True)))
    pending = set(names)
    while pending:
        pending = {
            n
            for n in pending
            if (cluster.note("bench", n).get("status") or {}).get("phase") != "Ready"
        }
        if time.monotonic() - started > 1800:
            raise TimeoutError(f"{len(pending)} objects not Ready within 1800s")
        await asyncio.sleep(0.05 if len(pending) < 1000 else 0.5)
    return time.monotonic() - started


async def main(n: int) -> int:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        print("PostgreSQL server binaries not found (apt-get install postgresql)")
        return 2
    postgres, redis = PostgresServer(bin_dir), RedisServer()
    postgres.start()
    redis.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"OPENAI_API_KEY", "RELNOTES_MODEL"}}
    env |= {
        "BENCH_TMP": tempfile.mkdtemp(prefix="relnotes-bench-"),
        "RELNOTES_LOG_LEVEL": "WARNING",
    }
    model = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "relnotes.cli.main",
        "model-service",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    env |= {
        "RELNOTES_MODEL_SERVICE_URL": f"http://127.0.0.1:{port}/v1",
        "RELNOTES_REDIS_URL": redis.url,
        "RELNOTES_MIGRATE_ON_START": "true",
    }
    metrics = f"http://127.0.0.1:{port}/metrics"
    summaries = [f"Rotate the credentials of service {i} in every region" for i in range(n)]
    try:
        await wait_for_http(metrics)
        # Each run gets a database of its own (and a new emulator): the hit run starts like the
        # miss run did, with no history to sweep, and differs only in what Redis holds.
        bare = await run("bare", summaries, env, restart=True)
        miss = await run("relnotes", summaries, env | fresh_database(postgres))
        miss_calls = await model_calls(metrics)
        hit_env = env | fresh_database(postgres)
        hit = await run("relnotes", summaries, hit_env, restart=True, metrics=metrics)
        hit_calls = await model_calls(metrics) - miss_calls - (hit.restart_calls or 0)
    finally:
        model.terminate()
        await asyncio.wait_for(model.wait(), 30)
        redis.stop()
        postgres.destroy()
    return report(n, bare, miss, hit, miss_calls, hit_calls)


def report(
    n: int, bare: Outcome, miss: Outcome, hit: Outcome, miss_calls: int, hit_calls: int
) -> int:
    """Print the figures and the targets; 0 when every target is met."""
    print(f"objects per run: {n}")
    for name, out in (("bare kopf", bare), ("miss", miss), ("hit", hit)):
        print(f"{name:9} : {out.seconds:7.2f}s {n / out.seconds:8.1f} objects/s  "
              f"peak RSS {out.rss_mib:6.0f} MiB")  # fmt: skip
    assert bare.restart_s is not None
    assert hit.restart_s is not None
    print(f"restart   : bare kopf {bare.restart_s:6.2f}s to steady (RSS "
          f"{bare.restart_rss_mib:.0f} MiB); relnotes {hit.restart_s:6.2f}s (RSS "
          f"{hit.restart_rss_mib:.0f} MiB), {hit.restart_calls} model calls, "
          f"{hit.restart_writes} writes to ReleaseNotes")  # fmt: skip
    print(f"model calls: {miss_calls} on misses, {hit_calls} on hits; {n} distinct inputs")
    peak = max(miss.rss_mib, hit.rss_mib, hit.restart_rss_mib or 0)
    checks = [
        ("misses / bare kopf objects/s", bare.seconds / miss.seconds, ">=", TARGETS["miss"]),
        ("hits / bare kopf objects/s", bare.seconds / hit.seconds, ">=", TARGETS["hit"]),
        ("restart-to-steady / bare kopf's", hit.restart_s / bare.restart_s, "<=",
         TARGETS["restart"]),
        ("model calls on misses - distinct inputs", miss_calls - n, "<=", 0),
        ("model calls on hits and on restart", hit_calls + (hit.restart_calls or 0), "<=", 0),
        ("writes to ReleaseNotes on restart", hit.restart_writes or 0, "<=", 0),
        ("peak RSS of a relnotes operator (MiB)", peak, "<=", TARGETS["rss_mib"]),
    ]  # fmt: skip
    met = miss_calls == n
    for name, value, op, limit in checks:
        ok = value >= limit if op == ">=" else value <= limit
        met &= ok
        print(f"{name:42} {value:8.2f} (target {op} {limit}) {'OK' if ok else 'MISSED'}")
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


def fresh_database(postgres: PostgresServer) -> dict[str, str]:
    return {"RELNOTES_DATABASE_URL": postgres.create_database(f"b{uuid.uuid4().hex[:8]}")}


async def wait_for_http(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} not answering within {timeout_s}s")
            await asyncio.sleep(0.1)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=MAX_N, help=f"objects per run (1..{MAX_N}; {MAX_N})"
    )
    parser.add_argument("--child", choices=["bare", "relnotes"], help=argparse.SUPPRESS)
    parser.add_argument("--idle-timeout", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.n <= MAX_N:
        parser.error(f"--n must be between 1 and {MAX_N}")
    return args


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        asyncio.run(child(arguments.child, arguments.idle_timeout))
    else:
        sys.exit(asyncio.run(main(arguments.n)))

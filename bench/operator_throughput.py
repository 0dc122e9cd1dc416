"""How fast the operator turns ReleaseNotes into Ready notes, against a bare kopf baseline.

Three runs on the same in-process Kubernetes emulator (kmock), each with N fresh objects, each
with the operator in a process of its own (as in a cluster; it does not share a GIL with the
emulator):

* bare     - a kopf handler that only patches a constant status (the framework's own ceiling);
* miss     - relnotes with N distinct summaries: every note is drafted (deterministic engine,
             through the real model-service process over HTTP), cached in Redis, recorded in
             Postgres;
* hit      - relnotes again with the same summaries on new objects: every note is a cache hit.

It prints each run's throughput, the ratios to bare kopf (targets: >= 0.5 on misses, >= 0.8 on
hits), model calls versus distinct inputs (target: equal; from the model-service's /metrics),
and each operator process's peak RSS (VmHWM).

    .venv/bin/python bench/operator_throughput.py --n 500

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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import aiohttp  # noqa: E402
import kopf  # noqa: E402
from harness import Cluster, api_server, kubeconfig, manifest  # noqa: E402
from servers import PostgresServer, RedisServer, find_pg_bin, free_port  # noqa: E402

from relnotes import API_GROUP, API_VERSION, PLURAL  # noqa: E402
from relnotes.controller.handlers import build_registry  # noqa: E402

MAX_N = 2000
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


async def child(kind: str) -> None:
    """The operator process: run kopf clusterwide until SIGTERM; say READY on stdout."""
    settings = kopf.OperatorSettings()
    settings.scanning.disabled = True  # the emulator serves no CRDs to scan
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


async def run(kind: str, summaries: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from the first create until every object is Ready, and the operator's peak RSS."""
    cluster = Cluster()
    cluster.declare()
    async with cluster, api_server(cluster):
        config = kubeconfig(Path(env["BENCH_TMP"]) / f"{kind}.kubeconfig", str(cluster.url))
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--child",
            kind,
            env={**env, "KUBECONFIG": str(config)},
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            if line.strip() != b"READY":
                raise RuntimeError(f"the {kind} operator did not start")
            elapsed = await create_and_wait(cluster, summaries)
            return elapsed, peak_rss_mib(process.pid)
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), 60)


async def create_and_wait(cluster: Cluster, summaries: list[str]) -> float:
    names = [f"rn-{i}" for i in range(len(summaries))]
    gate = asyncio.Semaphore(50)

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
        if time.monotonic() - started > 600:
            raise TimeoutError(f"{len(pending)} objects not Ready within 600s")
        await asyncio.sleep(0.05)
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
        bare, bare_rss = await run("bare", summaries, env)
        miss, miss_rss = await run("relnotes", summaries, env | fresh_database(postgres))
        miss_calls = await model_calls(metrics)
        hit, hit_rss = await run("relnotes", summaries, env | fresh_database(postgres))
        hit_calls = await model_calls(metrics) - miss_calls
    finally:
        model.terminate()
        await asyncio.wait_for(model.wait(), 30)
        redis.stop()
        postgres.destroy()

    print(f"objects per run: {n}")
    print(f"bare kopf : {bare:7.2f}s {n / bare:8.1f} objects/s  peak RSS {bare_rss:6.0f} MiB")
    print(
        f"miss      : {miss:7.2f}s {n / miss:8.1f} objects/s  peak RSS {miss_rss:6.0f} MiB"
        f"  ratio {bare / miss:.2f} (target >= 0.5)"
    )
    print(
        f"hit       : {hit:7.2f}s {n / hit:8.1f} objects/s  peak RSS {hit_rss:6.0f} MiB"
        f"  ratio {bare / hit:.2f} (target >= 0.8)"
    )
    print(f"model calls: {miss_calls} on misses, {hit_calls} on hits; {n} distinct inputs")
    ok = bare / miss >= 0.5 and bare / hit >= 0.8 and miss_calls == n and hit_calls == 0
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


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
    parser.add_argument("--n", type=int, default=500, help=f"objects per run (1..{MAX_N}; 500)")
    parser.add_argument("--child", choices=["bare", "relnotes"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.n <= MAX_N:
        parser.error(f"--n must be between 1 and {MAX_N}")
    return args


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        asyncio.run(child(arguments.child))
    else:
        sys.exit(asyncio.run(main(arguments.n)))

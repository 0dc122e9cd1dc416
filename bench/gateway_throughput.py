"""The model-service as a gateway: its overhead over calling the upstream directly, and LiteLLM's.

A fake OpenAI-compatible upstream on 127.0.0.1 answers every chat completion with one fixed,
valid completion (a release note that passes relnotes' schema check), after 0 ms or 50 ms
(the model name says which). The same load generator, bodies (relnotes' own drafting request)
and concurrency then go to (a) the upstream directly, (b) ``relnotes model-service`` proxying to
it, (c) LiteLLM's proxy (``litellm[proxy]``, one worker, installed by this script into its own
virtualenv under ``.tools/``; never a project dependency) proxying to it. Rounds alternate the
three, so drifting load on a shared machine hits them alike; ratios are medians of per-round
ratios. Every loop is bounded: rounds (<= 10), requests per round, and a wall-clock budget.

Printed per target and upstream delay: requests/s, p50, p99, CPU seconds per 1,000 requests of
the proxy process (its whole process tree), and for ``stream: true`` the time to first token.
Targets (exit 1 when one is missed): at 0 ms relnotes >= 0.35 of direct, <= 0.5 CPU s per
1,000 requests and >= 10x LiteLLM's requests/s; at 50 ms at most +2 ms p50, +8 ms p99 and
+2 ms time to first token over direct. (At 50 ms every proxy is bound by the upstream's delay
times the concurrency, so the LiteLLM ratio there is printed, not judged.)

    .venv/bin/python bench/gateway_throughput.py --requests 2000 --rounds 3
"""

import argparse
import asyncio
import contextlib
import functools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from relnotes.models.result import draft_json_schema
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.engines.deterministic import write_draft
from relnotes.services.prompt import build_messages

REPO = Path(__file__).resolve().parent.parent
LITELLM_VENV = REPO / ".tools" / "litellm"
# Exact pin: litellm 1.82.7/1.82.8 (March 2026) and 1.107.0 were published by an attacker and
# steal credentials at install or import; 1.82.6 is the last release before the first of them.
LITELLM = "litellm[proxy]==1.82.6"
FAST, SLOW = "upstream-0ms", "upstream-50ms"
SUMMARY = "Switched the production RDS instance orders-{i} from db.t3.micro to db.t3.small"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@functools.cache
def draft_schema() -> dict[str, Any]:
    return draft_json_schema()


def request_body(number: int, model: str, *, stream: bool = False) -> bytes:
    """The request relnotes' drafter sends (prompt plus JSON-schema response format)."""
    spec = ReleaseNoteSpec.model_validate({"changeSummary": SUMMARY.format(i=number)})
    body: dict[str, object] = {
        "model": model,
        "messages": [m.model_dump(exclude_none=True) for m in build_messages(spec)],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "release_note", "schema": draft_schema()},
        },
        "max_tokens": 800,
    }
    if stream:
        body["stream"] = True
    return json.dumps(body).encode()


def serve_upstream(port: int) -> None:
    """The fake upstream: a fixed completion, after 50 ms for the slow model; SSE when asked."""
    spec = ReleaseNoteSpec.model_validate({"changeSummary": SUMMARY.format(i=0)})
    content = write_draft(spec).model_dump_json(by_alias=True)
    head = {"id": "chatcmpl-fake", "created": 1, "model": "fake", "system_fingerprint": None}
    completion = json.dumps(
        {
            **head,
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": 400, "completion_tokens": 120, "total_tokens": 520},
        }
    ).encode()
    pieces = [content[: len(content) // 2], content[len(content) // 2 :]]
    deltas = [{"role": "assistant", "content": ""}, *({"content": p} for p in pieces)]
    chunks = [
        {**head, "object": "chat.completion.chunk",
         "choices": [{"index": 0, "delta": d, "finish_reason": None}]}
        for d in deltas
    ]  # fmt: skip
    chunks.append(
        {**head, "object": "chat.completion.chunk",
         "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    )  # fmt: skip
    events = [f"data: {json.dumps(c)}\n\n".encode() for c in chunks] + [b"data: [DONE]\n\n"]

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if SLOW.encode() in body:
            await asyncio.sleep(0.05)
        if b'"stream": true' not in body and b'"stream":true' not in body:
            return web.Response(body=completion, content_type="application/json")
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for event in events:
            await response.write(event)
        await response.write_eof()
        return response

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/v1/chat/completions", handle)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=2048)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and every process below it, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_per_1000: float | None
    ttft_ms: float | None = None


@dataclass
class Target:
    name: str
    url: str
    pid: int | None
    requests: int
    runs: dict[str, list[Run]] = field(default_factory=dict)


async def load(
    target: Target, bodies: list[bytes], concurrency: int, *, stream: bool = False
) -> Run:
    """``bodies`` at ``concurrency``; every reply must be a 200 (a stream: to its [DONE])."""
    latencies: list[float] = []
    firsts: list[float] = []
    queue = iter(bodies)
    connector = aiohttp.TCPConnector(limit=concurrency)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer bench-key"}
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def worker() -> None:
            for body in queue:
                started = time.perf_counter()
                async with session.post(target.url, data=body) as response:
                    if stream:
                        payload = b""
                        async for chunk in response.content.iter_any():
                            if not payload:
                                firsts.append(time.perf_counter() - started)
                            payload += chunk
                        assert payload.endswith(b"[DONE]\n\n"), payload[-200:]
                    else:
                        payload = await response.read()
                    assert response.status == 200, (target.name, payload[:300])
                latencies.append(time.perf_counter() - started)

        cpu_before = cpu_seconds(target.pid) if target.pid else 0.0
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(target.pid) - cpu_before if target.pid else None
    cuts = statistics.quantiles(latencies, n=100)
    return Run(
        rps=len(bodies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=cuts[98] * 1000,
        cpu_per_1000=cpu * 1000 / len(bodies) if cpu is not None else None,
        ttft_ms=statistics.median(firsts) * 1000 if firsts else None,
    )


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


async def wait_ready(url: str, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    headers = {"Authorization": "Bearer bench-key"}
    async with aiohttp.ClientSession(headers=headers) as session:
        while time.monotonic() < deadline:
            try:
                async with session.post(url, data=request_body(0, FAST)) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {deadline_s:.0f}s")


def install_litellm() -> Path | None:
    """LiteLLM's proxy in .tools/litellm (made once); None with the reason printed on failure."""
    binary = LITELLM_VENV / "bin" / "litellm"
    if binary.exists():
        return binary
    try:
        subprocess.run([sys.executable, "-m", "venv", str(LITELLM_VENV)], check=True)
        pip = [str(LITELLM_VENV / "bin" / "pip"), "install", "--quiet", LITELLM]
        subprocess.run(pip, check=True, capture_output=True, text=True, timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        output = getattr(error, "stderr", "") or ""
        print(f"LiteLLM could not be installed ({LITELLM}): {error}\n{output[-2000:]}")
        return None
    return binary


def litellm_config(path: Path, upstream: str) -> Path:
    models = [
        {"model_name": name,
         "litellm_params": {"model": f"openai/{name}", "api_base": upstream, "api_key": "sk-fake"}}
        for name in (FAST, SLOW)
    ]  # fmt: skip
    settings = {"drop_params": False, "set_verbose": False, "telemetry": False}
    path.write_text(json.dumps({"model_list": models, "litellm_settings": settings}))
    return path


@contextlib.contextmanager
def servers(args: argparse.Namespace, workdir: Path) -> Iterator[list[Target]]:
    upstream_port, relnotes_port, litellm_port = free_port(), free_port(), free_port()
    upstream = f"http://127.0.0.1:{upstream_port}/v1"
    processes = [start([sys.executable, __file__, "--serve-upstream", str(upstream_port)])]
    relnotes_env = {
        "RELNOTES_UPSTREAM_BASE_URL": upstream,
        "RELNOTES_MODEL": FAST,
        "OPENAI_API_KEY": "sk-fake",
        "RELNOTES_MODEL_SERVICE_API_KEY": "bench-key",
        "RELNOTES_LOG_LEVEL": "WARNING",
    }
    relnotes = str(Path(sys.executable).parent / "relnotes")
    processes.append(start([relnotes, "model-service", "--port", str(relnotes_port)], relnotes_env))
    targets = [
        Target("direct", f"{upstream}/chat/completions", None, args.requests),
        Target("relnotes", f"http://127.0.0.1:{relnotes_port}/v1/chat/completions",
               processes[-1].pid, args.requests),
    ]  # fmt: skip
    litellm = None if args.skip_litellm else install_litellm()
    if litellm is not None:
        config = litellm_config(workdir / "litellm.json", upstream)
        command = [str(litellm), "--config", str(config), "--port", str(litellm_port)]
        env = {"LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR"}
        processes.append(start([*command, "--num_workers", "1"], env))
        targets.append(
            Target("litellm", f"http://127.0.0.1:{litellm_port}/v1/chat/completions",
                   processes[-1].pid, args.litellm_requests)
        )  # fmt: skip
    try:
        for target in targets:
            asyncio.run(wait_ready(target.url, 120 if target.name == "litellm" else 20))
        yield targets
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
            process.wait(timeout=20)


async def in_one_process(samples: int = 500) -> tuple[float, float]:
    """p50 (ms) direct and through the relnotes app with upstream, app and client sharing one
    event loop, one request at a time: the gateway's own latency, without the wake-ups of
    separate processes that a loaded machine delays (information, not a target)."""
    from relnotes.config import Settings
    from relnotes.modelservice.app import build_app

    completion = json.dumps(
        {"id": "c", "object": "chat.completion", "created": 1, "model": FAST,
         "choices": [{"index": 0, "message": {"role": "assistant", "content": "Done."},
                      "finish_reason": "stop"}],
         "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    ).encode()  # fmt: skip

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=completion, content_type="application/json")

    upstream = web.Application()
    upstream.router.add_post("/v1/chat/completions", answer)
    runners: list[web.AppRunner] = []
    urls: list[str] = []

    async def serve(app: web.Application) -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        urls.append(f"http://127.0.0.1:{runner.addresses[0][1]}/v1/chat/completions")

    await serve(upstream)
    base = urls[0].removesuffix("/chat/completions")
    await serve(build_app(Settings(upstream_base_url=base, model=FAST, openai_api_key="sk-fake")))
    body = json.dumps({"model": FAST, "messages": [{"role": "user", "content": "hi " * 200}]})
    medians = []
    async with aiohttp.ClientSession() as session:
        for url in urls:
            latencies = []
            for _ in range(samples):
                started = time.perf_counter()
                async with session.post(url, data=body.encode()) as response:
                    await response.read()
                latencies.append(time.perf_counter() - started)
            medians.append(statistics.median(latencies) * 1000)
    for runner in runners:
        await runner.cleanup()
    return medians[0], medians[1]


PHASES = (("0 ms", FAST, False), ("50 ms", SLOW, False), ("50 ms stream", SLOW, True))


def measure(targets: list[Target], args: argparse.Namespace) -> None:
    """Interleaved rounds, bounded by --rounds and --max-seconds."""
    deadline = time.monotonic() + args.max_seconds
    for round_number in range(args.rounds):
        if time.monotonic() > deadline:
            print(f"time budget spent after {round_number} rounds")
            break
        for phase, model, stream in PHASES:
            for target in targets:
                count = target.requests if model == FAST else min(target.requests, args.slow)
                bodies = [request_body(n, model, stream=stream) for n in range(count)]
                run = asyncio.run(load(target, bodies, args.concurrency, stream=stream))
                target.runs.setdefault(phase, []).append(run)


def ratio(targets: dict[str, Target], a: str, b: str, phase: str, key: str) -> float:
    pairs = zip(targets[a].runs[phase], targets[b].runs[phase], strict=True)
    return float(statistics.median(getattr(x, key) / getattr(y, key) for x, y in pairs))


def delta(targets: dict[str, Target], a: str, b: str, phase: str, key: str) -> float:
    pairs = zip(targets[a].runs[phase], targets[b].runs[phase], strict=True)
    return float(statistics.median(getattr(x, key) - getattr(y, key) for x, y in pairs))


def report(targets: list[Target], args: argparse.Namespace) -> bool:
    by_name = {t.name: t for t in targets}
    rounds = len(targets[0].runs[PHASES[0][0]])
    print(f"concurrency {args.concurrency}, {rounds} interleaved rounds; medians of rounds")
    for phase, _, stream in PHASES:
        print(f"-- upstream delay {phase}")
        for target in targets:
            runs = target.runs[phase]
            cpu = [r.cpu_per_1000 for r in runs if r.cpu_per_1000 is not None]
            line = (
                f"{target.name:9} {statistics.median(r.rps for r in runs):8.0f} req/s"
                f"  p50 {statistics.median(r.p50_ms for r in runs):7.2f} ms"
                f"  p99 {statistics.median(r.p99_ms for r in runs):7.2f} ms"
            )
            if cpu:
                line += f"  CPU {statistics.median(cpu):5.2f} s/1000 req"
            if stream:
                line += f"  TTFT {statistics.median(r.ttft_ms or 0 for r in runs):7.2f} ms"
            print(line)
    checks = [
        ("0 ms: relnotes / direct req/s", ratio(by_name, "relnotes", "direct", "0 ms", "rps"),
         ">=", 0.35),
        ("0 ms: relnotes CPU s per 1000 requests",
         statistics.median(r.cpu_per_1000 or 0 for r in by_name["relnotes"].runs["0 ms"]),
         "<=", 0.5),
        ("50 ms: relnotes p50 - direct p50 (ms)",
         delta(by_name, "relnotes", "direct", "50 ms", "p50_ms"), "<=", 2.0),
        ("50 ms: relnotes p99 - direct p99 (ms)",
         delta(by_name, "relnotes", "direct", "50 ms", "p99_ms"), "<=", 8.0),
        ("50 ms stream: relnotes TTFT - direct TTFT (ms)",
         delta(by_name, "relnotes", "direct", "50 ms stream", "ttft_ms"), "<=", 2.0),
    ]  # fmt: skip
    if "litellm" in by_name:
        checks.append(
            ("0 ms: relnotes / litellm req/s",
             ratio(by_name, "relnotes", "litellm", "0 ms", "rps"), ">=", 10.0)
        )  # fmt: skip
        slow = ratio(by_name, "relnotes", "litellm", "50 ms", "rps")
        print(f"(50 ms: relnotes / litellm req/s {slow:.1f}, not judged)")
    else:
        checks.append(("LiteLLM comparison (not measured)", 0.0, ">=", 10.0))
    met = True
    for name, value, op, limit in checks:
        ok = value >= limit if op == ">=" else value <= limit
        met &= ok
        print(f"{name:48} {value:8.2f} (target {op} {limit}) {'OK' if ok else 'MISSED'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="per round, 0 ms phase")
    parser.add_argument("--slow", type=int, default=800, help="per round, 50 ms phases")
    parser.add_argument("--litellm-requests", type=int, default=400, help="per round")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 11))
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--skip-litellm", action="store_true")
    parser.add_argument("--serve-upstream", type=int, metavar="PORT")
    args = parser.parse_args()
    if args.serve_upstream:
        serve_upstream(args.serve_upstream)
        return 0
    args.requests = max(100, min(args.requests, 50_000))
    args.litellm_requests = max(100, min(args.litellm_requests, args.requests))
    with tempfile.TemporaryDirectory() as workdir, servers(args, Path(workdir)) as targets:
        measure(targets, args)
        met = report(targets, args)
    direct, relnotes = asyncio.run(in_one_process())
    print(f"in one process, one at a time: direct p50 {direct:.2f} ms, relnotes {relnotes:.2f} ms"
          f" (+{relnotes - direct:.2f} ms; information)")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""Model-service throughput: the deterministic engine over HTTP vs a bare aiohttp handler.

Both servers run as separate processes on 127.0.0.1 and are measured in the same run with the
same client, concurrency and request count; the bare handler returns a body of the same size as
the model-service's reply, so the ratio isolates relnotes' own cost (parsing, routing, drafting,
schema validation, metrics). Information only, not in ``make bench``: issue #12 withdrew the
0.6 target (it measured a rule engine against an empty handler; no user waits on it) in favour of
bench/gateway_throughput.py. Every loop is bounded by --requests.

A third server, the same model-service whose writer returns one precomputed draft, measures the
request path alone: the ceiling any engine could reach, and from it the time per request left
for drafting if the target is to be met.

    .venv/bin/python bench/model_service_throughput.py --requests 2000 --concurrency 16
"""

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

from relnotes.models.result import draft_json_schema
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.prompt import build_messages

TEMPLATES = (
    "Switched the production RDS instance orders-{i} from db.t3.micro to db.t3.small",
    "Scaled the app node group from {i} to {j} nodes in staging",
    "Upgraded the EKS cluster platform-{i} from 1.29 to 1.30",
    "Lowered the TTL of api-{i}.example.com from 3600 to 300 seconds",
    "Opened port 443 on sg-{i} from 10.32.0.0/16 in production",
)


def request_body(number: int = 0) -> bytes:
    """The request relnotes' own drafter sends: prompt plus the JSON-schema response format.

    Each number gives a distinct summary, so no layer can answer from a cache of earlier replies.
    """
    template = TEMPLATES[number % len(TEMPLATES)]
    summary = template.format(i=number, j=number + 3)
    spec = ReleaseNoteSpec.model_validate({"changeSummary": summary})
    return json.dumps(
        {
            "model": "relnotes-deterministic",
            "messages": [m.model_dump() for m in build_messages(spec)],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "release_note", "schema": draft_json_schema()},
            },
            "max_tokens": 800,
        }
    ).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_bare(port: int, size: int) -> None:
    """A handler that does nothing but return ``size`` bytes of JSON."""
    body = json.dumps({"content": "x" * max(0, size - 15)}).encode()

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def serve_ceiling(port: int) -> None:
    """The real model-service app, with the deterministic writer replaced by a constant draft."""
    from relnotes.config import Settings
    from relnotes.modelservice.app import build_app
    from relnotes.services.engines import offline
    from relnotes.services.engines.deterministic import write_draft

    draft = write_draft(ReleaseNoteSpec.model_validate({"changeSummary": TEMPLATES[0]}))
    offline.write_draft = lambda spec: draft  # type: ignore[attr-defined]
    web.run_app(build_app(Settings()), host="127.0.0.1", port=port, print=None, access_log=None)


@dataclass
class Result:
    rps: float
    p99_ms: float
    size: int


async def wait_ready(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.post(url, data=request_body()) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def load(url: str, bodies: list[bytes], concurrency: int) -> Result:
    latencies: list[float] = []
    sizes: list[int] = []
    queue = iter(bodies)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for body in queue:
                started = time.perf_counter()
                async with session.post(url, data=body) as response:
                    payload = await response.read()
                    assert response.status == 200, payload[:200]
                latencies.append(time.perf_counter() - started)
                sizes.append(len(payload))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    return Result(rps=len(bodies) / elapsed, p99_ms=p99, size=statistics.median_low(sizes))


def start(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL)


async def rounds(urls: tuple[str, str, str], bodies: list[bytes], args: argparse.Namespace) -> None:
    """Alternate the servers round by round, so drifting machine load hits them alike."""
    results: tuple[list[Result], list[Result], list[Result]] = ([], [], [])
    for _ in range(args.rounds):
        for url, runs in zip(urls, results, strict=True):
            runs.append(await load(url, bodies, args.concurrency))
    service, bare, ceiling = results
    best = [max(runs, key=lambda r: r.rps) for runs in results]
    ratio = statistics.median(s.rps / b.rps for s, b in zip(service, bare, strict=True))
    path = statistics.median(c.rps / b.rps for c, b in zip(ceiling, bare, strict=True))
    budget_us = (1 / (0.6 * best[1].rps) - 1 / best[2].rps) * 1e6
    print(f"requests={len(bodies)} x {args.rounds} rounds, concurrency={args.concurrency}")
    for name, result in zip(("model-service", "bare aiohttp", "constant draft"), best, strict=True):
        print(f"{name:15}: {result.rps:8.0f} req/s  p99 {result.p99_ms:6.1f} ms  (best)")
    print(f"ratio (median of rounds): {ratio:.2f} (information; the 0.6 target was withdrawn)")
    print(f"request path alone (constant draft): {path:.2f} of bare")
    print(f"drafting time per request that would reach 0.6: {budget_us:.0f} us")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 11))
    parser.add_argument("--serve-bare", nargs=2, type=int, metavar=("PORT", "SIZE"))
    parser.add_argument("--serve-ceiling", type=int, metavar="PORT")
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(*args.serve_bare)
        return 0
    if args.serve_ceiling:
        serve_ceiling(args.serve_ceiling)
        return 0
    requests = max(100, min(args.requests, 100_000))
    bodies = [request_body(number) for number in range(requests)]
    ports = (free_port(), free_port(), free_port())
    urls = (
        f"http://127.0.0.1:{ports[0]}/v1/chat/completions",
        f"http://127.0.0.1:{ports[1]}/v1/chat/completions",
        f"http://127.0.0.1:{ports[2]}/v1/chat/completions",
    )
    relnotes = str(Path(sys.executable).parent / "relnotes")  # the installed console script
    processes = [start([relnotes, "model-service", "--port", str(ports[0])])]
    try:
        asyncio.run(wait_ready(urls[0]))
        size = asyncio.run(load(urls[0], bodies[:100], args.concurrency)).size
        script = str(Path(__file__))
        processes.append(start([sys.executable, script, "--serve-bare", str(ports[1]), str(size)]))
        processes.append(start([sys.executable, script, "--serve-ceiling", str(ports[2])]))
        for url in urls[1:]:
            asyncio.run(wait_ready(url))
        asyncio.run(rounds(urls, bodies, args))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())

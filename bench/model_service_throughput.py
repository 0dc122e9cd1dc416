"""Model-service throughput: the deterministic engine over HTTP vs a bare aiohttp handler.

Both servers run as separate processes on 127.0.0.1 and are measured in the same run with the
same client, concurrency and request count; the bare handler returns a body of the same size as
the model-service's reply, so the ratio isolates relnotes' own cost (parsing, routing, drafting,
schema validation, metrics). Target: ratio >= 0.6. Every loop is bounded by --requests.

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

SUMMARY = "Switched the production RDS instance from db.t3.micro to db.t3.small"


def request_body() -> bytes:
    """The request relnotes' own drafter sends: prompt plus the JSON-schema response format."""
    spec = ReleaseNoteSpec.model_validate({"changeSummary": SUMMARY})
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


async def load(url: str, requests: int, concurrency: int) -> Result:
    body = request_body()
    latencies: list[float] = []
    sizes: list[int] = []
    queue = iter(range(requests))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for _ in queue:
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
    return Result(rps=requests / elapsed, p99_ms=p99, size=sizes[0])


def start(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--serve-bare", nargs=2, type=int, metavar=("PORT", "SIZE"))
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(*args.serve_bare)
        return 0
    requests = max(100, min(args.requests, 100_000))
    service_port, bare_port = free_port(), free_port()
    service = start(["-m", "relnotes", "model-service", "--port", str(service_port)])
    bare = None
    try:
        url = f"http://127.0.0.1:{service_port}/v1/chat/completions"
        asyncio.run(wait_ready(url))
        measured = asyncio.run(load(url, requests, args.concurrency))
        bare = start([str(Path(__file__)), "--serve-bare", str(bare_port), str(measured.size)])
        bare_url = f"http://127.0.0.1:{bare_port}/v1/chat/completions"
        asyncio.run(wait_ready(bare_url))
        baseline = asyncio.run(load(bare_url, requests, args.concurrency))
    finally:
        for process in (service, bare):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
    ratio = measured.rps / baseline.rps
    print(f"requests={requests} concurrency={args.concurrency} body={measured.size}B")
    print(f"bare aiohttp   : {baseline.rps:8.0f} req/s  p99 {baseline.p99_ms:6.1f} ms")
    print(f"model-service  : {measured.rps:8.0f} req/s  p99 {measured.p99_ms:6.1f} ms")
    print(
        f"ratio          : {ratio:.2f} (target >= 0.60) {'OK' if ratio >= 0.6 else 'BELOW TARGET'}"
    )
    return 0 if ratio >= 0.6 else 1


if __name__ == "__main__":
    sys.exit(main())

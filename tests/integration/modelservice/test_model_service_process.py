"""``relnotes model-service`` starts as a process, honours --port, and stops on SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, data: bytes | None = None) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 (the tests build loopback http URLs)
        url, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback only)
        result: dict[str, object] = json.load(response)
        return result


def test_the_command_serves_and_stops_cleanly() -> None:
    port = free_port()
    env = {**os.environ, "RELNOTES_PORT": str(port), "RELNOTES_LOG_FORMAT": "json"}
    process = subprocess.Popen(
        [sys.executable, "-m", "relnotes", "model-service", "--host", "127.0.0.1"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert get(f"http://127.0.0.1:{port}/healthz") == {"status": "ok"}
                break
            except OSError:
                assert time.monotonic() < deadline, "model-service did not start"
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                time.sleep(0.2)
        body = json.dumps(
            {"model": "relnotes-deterministic",
             "messages": [{"role": "user", "content": "Upgraded Redis 7.0 to 7.1 in staging"}]}
        ).encode()  # fmt: skip
        reply = get(f"http://127.0.0.1:{port}/v1/chat/completions", body)
        assert reply["provider"] == "deterministic"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert any(e["message"] == "listening" and e["port"] == port for e in events)

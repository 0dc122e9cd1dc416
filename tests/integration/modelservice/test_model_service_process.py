"""``relnotes model-service`` as the manifests run it: the installed console script, --port,
the bearer key from a mounted file, a clean stop on SIGTERM; and ``relnotes render`` as its
client, sending the same key."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.tools import RELNOTES, REPO

SAMPLE = str(REPO / "samples" / "rds-instance-class.yaml")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(
    url: str, data: bytes | None = None, key: str | None = None
) -> tuple[int, dict[str, object]]:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@contextmanager
def model_service(**env: str) -> Iterator[tuple[str, list[str]]]:
    """The console script on a free port; yields its base URL and, after the block, its events."""
    port = free_port()
    environ = {**os.environ, "RELNOTES_PORT": str(port), "RELNOTES_LOG_FORMAT": "json", **env}
    process = subprocess.Popen(
        [RELNOTES, "model-service", "--host", "127.0.0.1"],
        env=environ,
        stderr=subprocess.PIPE,
        text=True,
    )
    events: list[str] = []
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert call(f"http://127.0.0.1:{port}/healthz") == (200, {"status": "ok"})
                break
            except OSError:
                assert time.monotonic() < deadline, "model-service did not start"
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", events
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
        events.extend(line for line in stderr.splitlines() if line.startswith("{"))
    assert process.returncode == 0


BODY = json.dumps(
    {"model": "relnotes-deterministic",
     "messages": [{"role": "user", "content": "Upgraded Redis 7.0 to 7.1 in staging"}]}
).encode()  # fmt: skip


def test_the_command_serves_and_stops_cleanly() -> None:
    with model_service() as (url, events):
        status, reply = call(f"{url}/v1/chat/completions", BODY)
        assert status == 200
        assert reply["provider"] == "deterministic"
    parsed = [json.loads(line) for line in events]
    assert any(e["message"] == "listening" for e in parsed)


def test_a_bearer_key_from_a_file_guards_v1_but_not_the_probes(tmp_path: Path) -> None:
    key_file = tmp_path / "api-key"
    key_file.write_text("s3cret-key\n", encoding="utf-8")
    with model_service(RELNOTES_MODEL_SERVICE_API_KEY_FILE=str(key_file)) as (url, events):
        for key in (None, "wrong", "s3cret-key-and-more"):
            status, reply = call(f"{url}/v1/chat/completions", BODY, key)
            assert status == 401
            assert reply["error"]["code"] == "invalid_api_key"  # type: ignore[index]
        assert call(f"{url}/v1/models")[0] == 401
        assert call(f"{url}/v1/anything-else")[0] == 401
        assert call(f"{url}/v1/chat/completions", BODY, "s3cret-key")[0] == 200
        for path in ("/healthz", "/readyz"):
            assert call(f"{url}{path}")[0] == 200
        with urllib.request.urlopen(f"{url}/metrics", timeout=5) as metrics:  # noqa: S310
            assert metrics.status == 200
        render = [RELNOTES, "render", "-o", "json", SAMPLE]
        client = {**os.environ, "RELNOTES_MODEL_SERVICE_URL": f"{url}/v1"}
        refused = subprocess.run(render, env=client, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 1
        assert "HTTP 401" in refused.stderr
        client["RELNOTES_MODEL_SERVICE_API_KEY"] = "s3cret-key"
        drafted = subprocess.run(render, env=client, capture_output=True, text=True, timeout=60)
        assert drafted.returncode == 0, drafted.stderr
        assert json.loads(drafted.stdout)[0]["provenance"]["provider"] == "deterministic"
    assert not any("s3cret-key" in line for line in events)

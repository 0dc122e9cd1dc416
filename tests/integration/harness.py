"""The in-process world the operator runs in: an emulated cluster, a model-service, a fault proxy.

``Cluster`` (``tests/kube_emulator.py``) is kmock's KubernetesEmulator plus what the API server
does that relnotes relies on. ``FaultProxy``
sits between the operator and the real model-service, counts chat completions (model calls) and
can answer 503, hang, or answer 200 with a body that is not a completion on demand.
``running_operator`` runs kopf in the test's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import aiohttp
import kopf
import psycopg
from aiohttp import web
from tests.kube_emulator import RESOURCE, Cluster, api_server, kubeconfig, manifest

from relnotes.config import Settings
from relnotes.modelservice.app import build_app

__all__ = [
    "MODEL_SERVICE_KEY",
    "RESOURCE",
    "Cluster",
    "FaultProxy",
    "api_server",
    "eventually",
    "kubeconfig",
    "manifest",
    "model_service",
    "note_rows",
    "running_operator",
    "serve",
]


@contextlib.asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port; yields its base URL."""
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


class FaultProxy:
    """Forwards to the model-service; counts chat completions; fails on demand."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.mode: Literal["pass", "503", "hang", "garbage", "not-json"] = "pass"
        self.calls = 0  # chat completions forwarded to the model-service
        self.refused = 0  # chat completions answered with a fault
        self._session: aiohttp.ClientSession | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        app.on_cleanup.append(self._close)
        return app

    async def _close(self, _: web.Application) -> None:
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        completion = request.path.endswith("/chat/completions")
        if completion and self.mode == "503":
            self.refused += 1
            return web.json_response({"error": {"message": "injected outage"}}, status=503)
        if completion and self.mode == "hang":
            self.refused += 1
            await asyncio.sleep(3600)
        if completion and self.mode == "not-json":  # a proxy's error page, answered 200
            self.refused += 1
            return web.Response(text="<html>upstream reset</html>", content_type="text/html")
        if completion and self.mode == "garbage":
            self.calls += 1
            return web.json_response(_garbage_completion())
        if completion:
            self.calls += 1
        if self._session is None:
            self._session = aiohttp.ClientSession()
        body = await request.read()
        async with self._session.request(
            request.method,
            f"{self.upstream}{request.path_qs}",
            data=body,
            headers={
                "Content-Type": request.headers.get("Content-Type", "application/json"),
                "Authorization": request.headers.get("Authorization", ""),
            },
        ) as response:
            payload = await response.read()
            return web.Response(
                body=payload, status=response.status, content_type=response.content_type
            )


def _garbage_completion() -> dict[str, Any]:
    """A well-formed chat completion whose content is not a release note."""
    return {
        "id": "chatcmpl-garbage",
        "object": "chat.completion",
        "created": 0,
        "model": "relnotes-deterministic",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "this is not JSON"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


MODEL_SERVICE_KEY = "integration-model-service-key"


@contextlib.asynccontextmanager
async def model_service() -> AsyncIterator[tuple[str, FaultProxy]]:
    """The real model-service (deterministic engine) behind a fault proxy; yields the /v1 URL.

    The service requires ``MODEL_SERVICE_KEY``, so every operator test also shows the operator
    sends it."""
    async with serve(build_app(Settings(model_service_api_key=MODEL_SERVICE_KEY))) as upstream:
        proxy = FaultProxy(upstream)
        async with serve(proxy.app()) as url:
            yield f"{url}/v1", proxy


@contextlib.asynccontextmanager
async def running_operator(
    registry: kopf.OperatorRegistry,
    *,
    startup_timeout_s: float = 20.0,
    memo: dict[str, Any] | None = None,
) -> AsyncIterator[kopf.OperatorSettings]:
    """Run kopf against the cluster in KUBECONFIG, in a thread of its own, until the block exits.

    A thread, not a task: when kopf stops it cancels every task created after it started,
    which in the test's loop would include the test itself.
    """
    settings = kopf.OperatorSettings()
    settings.scanning.disabled = True  # the emulator serves no CRDs/namespaces to scan
    settings.watching.reconnect_backoff = 0.2
    stop, ready = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(
                kopf.operator(
                    registry=registry,
                    settings=settings,
                    clusterwide=True,
                    standalone=True,
                    stop_flag=stop,
                    ready_flag=ready,
                    memo=kopf.Memo(memo or {}),
                )
            )
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, name="kopf", daemon=True)
    thread.start()
    try:
        if not await asyncio.to_thread(ready.wait, startup_timeout_s):
            raise TimeoutError(f"kopf not ready within {startup_timeout_s}s: {errors}")
        yield settings
    finally:
        stop.set()
        await asyncio.to_thread(thread.join, 30)
        assert not thread.is_alive(), "kopf did not stop within 30s"
        assert not errors, errors


async def eventually(
    check: Callable[[], Any], *, timeout_s: float = 20.0, interval_s: float = 0.1
) -> Any:
    """Poll ``check`` until it returns truthy (or stops raising AssertionError); bounded."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            result = check()
            if result:
                return result
        except (AssertionError, KeyError, ValueError, psycopg.OperationalError):
            # (a Postgres the test just started may still refuse: "starting up")
            if asyncio.get_running_loop().time() >= deadline:
                raise
        if asyncio.get_running_loop().time() >= deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(interval_s)


def note_rows(dsn: str, uid: str | None = None) -> list[tuple[Any, ...]]:
    """(uid, generation, phase, deleted_at) rows of ``release_notes``, oldest first."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(
            "SELECT uid, generation, phase, deleted_at FROM release_notes"
            " WHERE %(uid)s::text IS NULL OR uid = %(uid)s ORDER BY id",
            {"uid": uid},
        )
        return list(cursor.fetchall())

"""The operator's HTTP server for the kubelet and Prometheus: /healthz, /readyz, /metrics.

One aiohttp server in the operator's event loop (port 8081 by default, ``--probe-port``), in
place of kopf's liveness endpoint, whose one path ran every dependency check and so made the
kubelet restart a working operator whenever Redis or the model-service was down. Here:

* ``GET /healthz``: liveness. 200 while the event loop answers and kopf's watchers run; never
  a dependency.
* ``GET /readyz``: readiness. JSON with each dependency's state (``postgres``, ``redis``,
  ``model-service``: ``ok`` / ``degraded`` / ``down``) and a detail; 503 only when a hard
  dependency (Postgres) is down.
* ``GET /metrics``: the operator's Prometheus metrics (``controller.metrics``).

It starts before the operator's context opens, so liveness answers while start-up waits on
Postgres; readiness says ``starting`` (503) until the context exists.
"""

from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from relnotes.controller import probes
from relnotes.controller.context import OperatorContext

__all__ = ["ProbeServer"]

ContextGetter = Callable[[], OperatorContext | None]


class ProbeServer:
    """The probe app on ``host:port``; ``start`` and ``stop`` from kopf's startup/cleanup."""

    def __init__(self, context: ContextGetter, *, host: str = "0.0.0.0", port: int = 8081):
        self._context = context
        self._host, self.port = host, port
        self._runner: web.AppRunner | None = None
        self._watching = False  # kopf's watchers have been seen running

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the real one when asked for port 0

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, _: web.Request) -> web.Response:
        alive, detail = probes.kopf_alive(started=self._watching)
        self._watching = self._watching or detail == "watching"
        if not alive:
            return web.json_response({"status": "down", "detail": detail}, status=503)
        return web.json_response({"status": "ok", "detail": detail})

    async def _readyz(self, _: web.Request) -> web.Response:
        ctx = self._context()
        if ctx is None:
            return web.json_response({"status": "starting"}, status=503)
        ready, states, details = await probes.readiness(ctx)
        body = {**states, "detail": details}
        return web.json_response(body, status=200 if ready else 503)

    async def _metrics(self, _: web.Request) -> web.Response:
        ctx = self._context()
        payload = generate_latest(ctx.metrics.registry) if ctx is not None else b""
        return web.Response(body=payload, headers={"Content-Type": CONTENT_TYPE_LATEST})

"""What is not a page of notes: probes, metrics and the favicon.

``/healthz`` is the process (never a dependency), ``/readyz`` is Postgres through the circuit
breaker (so a probe during an outage answers at once), ``/metrics`` the Prometheus exposition.
"""

import json
from importlib import resources

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from relnotes.models.errors import StoreUnavailable
from relnotes.view.context import VIEW

__all__ = ["probe_routes"]

probe_routes = web.RouteTableDef()


@probe_routes.get("/favicon.ico")
@probe_routes.get("/favicon.svg")
async def favicon(request: web.Request) -> web.Response:
    """The icon browsers ask for (a 404 there is a console error on every page)."""
    icon = (resources.files("relnotes.view") / "templates" / "favicon.svg").read_bytes()
    headers = {"Cache-Control": "public, max-age=86400", "Content-Type": "image/svg+xml"}
    return web.Response(body=icon, headers=headers)


@probe_routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """Liveness: the event loop answers (never a dependency)."""
    return web.json_response({"status": "ok"})


@probe_routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """Readiness: Postgres answers (at once 503 while the breaker is open)."""
    view = request.app[VIEW]
    try:
        await view.breaker.call(view.store.ping)
    except StoreUnavailable as error:
        body = {"status": "unavailable", "postgres": "down", "reason": error.message}
        return web.json_response(body, status=503, dumps=json.dumps)
    return web.json_response({"status": "ready", "postgres": "ok"})


@probe_routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Prometheus exposition of the view's metrics."""
    body = generate_latest(request.app[VIEW].metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

"""What the operator's probes answer: liveness from the process itself, readiness per dependency.

Liveness never looks at a dependency: restarting the operator brings no database back, and a
liveness probe that failed with Redis or the model-service restarted an operator that was still
drafting notes (orphaning its locks). It fails only when this process cannot make progress: kopf's
watchers are gone. Readiness names each dependency with its state: Postgres is required (``down``
makes the operator unready), Redis and the model-service are ``degraded`` when unreachable,
because the operator still works without them (uncoalesced across replicas; retrying with
backoff).
"""

import asyncio
from typing import Literal

from relnotes.controller.context import OperatorContext
from relnotes.models.errors import StoreUnavailable

__all__ = ["State", "kopf_alive", "readiness"]

State = Literal["ok", "degraded", "down"]

_WATCHER = "watcher for "  # kopf names each resource's watch task so
_SPAWNER = "multidimensional multitasker"  # kopf's task that starts the watchers


def kopf_alive(*, started: bool) -> tuple[bool, str]:
    """Whether kopf can still make progress in this loop, and a word on why.

    Before any watcher ran (``started`` False) kopf is starting: alive while the task that
    spawns the watchers runs. Afterwards at least one watcher must run.
    """
    names = {task.get_name() for task in asyncio.all_tasks() if not task.done()}
    if any(name.startswith(_WATCHER) for name in names):
        return True, "watching"
    if not started and _SPAWNER in names:
        return True, "starting"
    return False, "no kopf watcher is running"


async def readiness(ctx: OperatorContext) -> tuple[bool, dict[str, State], dict[str, str]]:
    """(ready, state per dependency, detail per dependency), the checks run concurrently."""
    checks = {
        "postgres": _postgres(ctx),
        "redis": _redis(ctx),
        "model-service": _model_service(ctx),
    }
    results = await asyncio.gather(*checks.values())
    states = {name: state for name, (state, _) in zip(checks, results, strict=True)}
    details = {name: detail for name, (_, detail) in zip(checks, results, strict=True) if detail}
    return states["postgres"] != "down", states, details


async def _postgres(ctx: OperatorContext) -> tuple[State, str]:
    try:
        async with asyncio.timeout(ctx.config.probe_timeout_seconds):
            await ctx.store.ping()
    except (StoreUnavailable, TimeoutError) as error:
        return "down", str(error) or "no answer"
    return "ok", ""


async def _redis(ctx: OperatorContext) -> tuple[State, str]:
    if ctx.redis is None:
        return "ok", "not configured: cache and locks in this process"
    try:
        async with asyncio.timeout(ctx.config.probe_timeout_seconds):
            await ctx.redis.ping()
    except Exception as error:  # any failure: degraded, never fatal
        return "degraded", f"unreachable ({error or 'no answer'}); generating uncoalesced"
    return "ok", ""


async def _model_service(ctx: OperatorContext) -> tuple[State, str]:
    breaker = ctx.drafter.breaker
    if breaker is not None and breaker.state != "closed":
        return "degraded", f"failing ({breaker.last_error}); retrying with backoff"
    base = ctx.settings.model_service_url
    if not base:
        return "ok", "in-process"
    key = ctx.settings.model_service_api_key  # /v1/* needs it when the service has one
    headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else None
    try:
        async with ctx.http.get(f"{base.rstrip('/')}/models", headers=headers) as response:
            if response.status >= 400:  # 5xx, or 401: a key that does not match the service's
                return "degraded", f"GET /models answered {response.status}"
    except Exception as error:  # refused, timed out: the model-service is degraded, not us
        return "degraded", f"unreachable ({error or 'no answer'})"
    return "ok", ""

"""Liveness checks of the operator's dependencies, served by kopf's ``--liveness`` endpoint.

Each check raises when its dependency does not answer within the probe timeout, which turns the
endpoint's answer into an HTTP 500 naming it. Point a readiness (or a tolerant liveness) probe
here: restarting the operator does not bring a database back.
"""

import asyncio

from relnotes.controller.context import OperatorContext

__all__ = ["check_model_service", "check_postgres", "check_redis"]


async def check_postgres(ctx: OperatorContext) -> str:
    """``ok`` when Postgres answers a query."""
    async with asyncio.timeout(ctx.config.probe_timeout_seconds):
        await ctx.store.ping()
    return "ok"


async def check_redis(ctx: OperatorContext) -> str:
    """``ok`` when Redis answers; ``not configured`` when the cache is process-local."""
    if ctx.redis is None:
        return "not configured"
    async with asyncio.timeout(ctx.config.probe_timeout_seconds):
        await ctx.redis.ping()
    return "ok"


async def check_model_service(ctx: OperatorContext) -> str:
    """``ok`` when the model-service lists its models; ``in-process`` without one."""
    base = ctx.settings.model_service_url
    if not base:
        return "in-process"
    key = ctx.settings.model_service_api_key  # /v1/* needs it when the service has one
    headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else None
    async with ctx.http.get(f"{base.rstrip('/')}/models", headers=headers) as response:
        response.raise_for_status()
    return "ok"

"""The model-service's per-process context, built in aiohttp's cleanup context."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiohttp import web

from relnotes.config import Settings
from relnotes.modelservice.metrics import ServiceMetrics
from relnotes.services.completion import CompletionService
from relnotes.services.engines.router import build_router

__all__ = ["SERVICE", "ServiceContext", "service_context"]


@dataclass
class ServiceContext:
    """What the routes need: the completion service and the metrics registry."""

    completions: CompletionService
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)


SERVICE = web.AppKey("service", ServiceContext)


def service_context(
    settings: Settings,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp cleanup-context callable that builds the engines and closes their clients."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        app[SERVICE] = ServiceContext(CompletionService(build_router(settings)))
        yield
        await app[SERVICE].completions.aclose()

    return context

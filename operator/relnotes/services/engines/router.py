"""Which engine answers which model, built from settings.

The deterministic engine always answers ``relnotes-deterministic``; an upstream (OpenAI, or an
OpenAI-compatible server) answers every other name when configured. Without one, asking for
another model is a clear 404 rather than a silent switch to the offline engine.
"""

import openai

from relnotes.config import Settings
from relnotes.models.errors import InvalidRequest
from relnotes.services.engines.base import Engine
from relnotes.services.engines.offline import DeterministicEngine
from relnotes.services.engines.upstream import UpstreamEngine

__all__ = ["EngineRouter", "ModelNotFound", "build_router", "openai_client"]


class ModelNotFound(InvalidRequest):
    """No engine serves the requested model."""

    status = 404
    code = "model_not_found"


class EngineRouter:
    """Engines in order of preference; the first that serves a model answers it."""

    def __init__(self, engines: list[Engine], fallback: Engine | None = None) -> None:
        self.engines = engines
        self.fallback = fallback

    def route(self, model: str) -> Engine:
        """The engine for ``model``."""
        for engine in self.engines:
            if engine.serves(model):
                return engine
        known = ", ".join(self.models())
        raise ModelNotFound(
            f"model: '{model}' is not served here (available: {known}); "
            "configure OPENAI_API_KEY or RELNOTES_UPSTREAM_BASE_URL for other models"
        )

    async def aclose(self) -> None:
        """Close every engine's connections."""
        for engine in self.engines:
            await engine.aclose()

    def models(self) -> list[str]:
        """Every model name the engines announce, in order, without repeats."""
        return list(dict.fromkeys(name for engine in self.engines for name in engine.models()))


def openai_client(settings: Settings, base_url: str | None) -> openai.AsyncOpenAI:
    """An SDK client with relnotes' explicit timeout and bounded retries, on aiohttp.

    The SDK's aiohttp transport (``openai[aiohttp]``) instead of its default httpx one: relnotes
    already runs on aiohttp, and under hundreds of concurrent calls the httpx transport cost
    about 0.5 ms more CPU per call (bench/operator_throughput.py). The session is created on
    the first request, inside the event loop that makes it.
    """
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return openai.AsyncOpenAI(
        api_key=key or "not-needed",
        base_url=base_url,
        timeout=settings.upstream_timeout_seconds,
        max_retries=settings.upstream_max_retries,
        http_client=openai.DefaultAioHttpClient(),
    )


def build_router(settings: Settings) -> EngineRouter:
    """The deterministic engine, then the configured upstream; fallback only when opted in."""
    offline = DeterministicEngine()
    engines: list[Engine] = [offline]
    if settings.has_upstream():
        name = "openai-compatible" if settings.upstream_base_url else "openai"
        client = openai_client(settings, settings.upstream_base_url)
        engines.append(UpstreamEngine(client, name=name, model=settings.default_model()))
    return EngineRouter(engines, fallback=offline if settings.fallback == "deterministic" else None)

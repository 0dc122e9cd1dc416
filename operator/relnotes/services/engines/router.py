"""Which engine answers which model, built from settings.

The deterministic engine always answers ``relnotes-deterministic``; an upstream (OpenAI, or an
OpenAI-compatible server) answers every other name when configured. Without one, asking for
another model is a clear 404 rather than a silent switch to the offline engine.

The upstream engine (and with it its HTTP client) is imported only when one is configured, so
an offline ``relnotes render`` loads no HTTP stack at all (bench/startup.py).
"""

from typing import TYPE_CHECKING

from relnotes.config import Settings
from relnotes.models.errors import InvalidRequest
from relnotes.services.engines.base import Engine
from relnotes.services.engines.offline import DeterministicEngine

if TYPE_CHECKING:
    from relnotes.services.engines.upstream import UpstreamEngine

__all__ = ["OPENAI_BASE_URL", "EngineRouter", "ModelNotFound", "build_router", "model_service"]

OPENAI_BASE_URL = "https://api.openai.com/v1"


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


def _upstream(
    settings: Settings,
    *,
    name: str,
    base_url: str,
    key: str | None,
    model: str | None,
    resend: bool = True,
) -> "UpstreamEngine":
    from relnotes.services.engines.upstream import UpstreamEngine  # lazy: see the module docstring

    return UpstreamEngine(
        name=name,
        base_url=base_url,
        api_key=key,
        model=model,
        timeout_s=settings.upstream_timeout_seconds,
        max_retries=settings.upstream_max_retries if resend else 0,
    )


def model_service(settings: Settings, url: str, *, resend: bool = True) -> "UpstreamEngine":
    """A client of a relnotes model-service at ``url``, sending its bearer key when one is set;
    ``resend=False``: no retries of its own (the operator's breaker and backoff decide)."""
    key = settings.model_service_api_key
    return _upstream(
        settings,
        name="model-service",
        base_url=url,
        key=key.get_secret_value() if key else None,
        model=None,
        resend=resend,
    )


def build_router(settings: Settings) -> EngineRouter:
    """The deterministic engine, then the configured upstream; fallback only when opted in."""
    offline = DeterministicEngine()
    engines: list[Engine] = [offline]
    if settings.has_upstream():
        key = settings.openai_api_key
        engines.append(
            _upstream(
                settings,
                name="openai-compatible" if settings.upstream_base_url else "openai",
                base_url=settings.upstream_base_url or OPENAI_BASE_URL,
                key=key.get_secret_value() if key else None,
                model=settings.default_model(),
            )
        )
    return EngineRouter(engines, fallback=offline if settings.fallback == "deterministic" else None)

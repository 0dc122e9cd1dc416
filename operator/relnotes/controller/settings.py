"""Knobs only the operator has: retry and backoff bounds, timeouts, migrating at start.

They are read from ``RELNOTES_*`` environment variables like the shared ``relnotes.config``
settings, but live here because no other process needs them.
"""

from pydantic import Field

from relnotes.config import EnvironmentSettings

__all__ = ["ControllerSettings"]


class ControllerSettings(EnvironmentSettings):
    """Operator-only settings; every wait and every retry is bounded."""

    retry_base_seconds: float = Field(default=5.0, gt=0, le=600)
    # 20 s: after any outage clears, every waiting note is retried within 20 s. Cheap while
    # the outage lasts: the model-service's circuit breaker answers retries without a request.
    retry_cap_seconds: float = Field(default=20.0, gt=0, le=3600)
    invalid_output_attempts: int = Field(default=3, ge=1, le=20)
    generation_timeout_seconds: float = Field(default=90.0, gt=0, le=3600)
    lock_expiry_seconds: float = Field(default=15.0, ge=1, le=300)  # a lease, renewed
    breaker_cap_seconds: float = Field(default=20.0, gt=0, le=600)
    progress_after_seconds: float = Field(default=2.0, gt=0, le=600)
    delete_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    redis_timeout_seconds: float = Field(default=2.0, gt=0, le=10)
    probe_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    db_pool_max_size: int = Field(default=8, ge=1, le=100)
    db_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    sweep_interval_seconds: float = Field(default=600.0, ge=1, le=86_400)
    sweep_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    migrate_on_start: bool = False

    def backoff(self, retry: int, retry_after: float | None = None) -> float:
        """Exponential delay before attempt ``retry + 1``, capped; honours Retry-After."""
        delay: float = self.retry_base_seconds * 2.0 ** min(retry, 16)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.retry_cap_seconds)

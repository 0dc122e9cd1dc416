"""A circuit breaker in front of the model-service: one replica's callers share its failures.

Without it, every waiting object retried on its own schedule while the model-service was down:
50 objects, 2 attempts each, 3 SDK tries each, 300 requests in 15 s. With it, the first
``ModelUnavailable`` opens the circuit for a backoff interval (the retry base, doubling per
failed probe, capped); while open, calls fail at once with ``CircuitOpen``, which says when the
next probe is due (the operator schedules its retry then). When the interval is over, one call
is the probe and the others wait for its outcome, so a failing model-service sees at most one
request per interval from this replica. A success closes the circuit. Errors that prove the
service answered (invalid output, a rejected request) do not count as failures.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from relnotes.models.errors import ModelUnavailable

__all__ = ["CircuitBreaker", "CircuitOpen"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class CircuitOpen(ModelUnavailable):
    """The model-service failed recently; ``retry_after`` says when the next probe is due."""

    code = "circuit_open"


class CircuitBreaker:
    """Closed, open (fail fast) or probing (one call through, the rest wait on it)."""

    def __init__(self, *, base_s: float, cap_s: float) -> None:
        self._base_s = base_s
        self._cap_s = cap_s
        self._failures = 0
        self._open_until = 0.0
        self._last_error = ""
        self._probe: asyncio.Future[bool] | None = None

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``probing`` (what the readiness probe reports)."""
        if self._failures == 0:
            return "closed"
        return "probing" if self._probe is not None else "open"

    @property
    def last_error(self) -> str:
        """The failure that opened the circuit ('' while closed)."""
        return self._last_error if self._failures else ""

    async def call(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt()`` unless the circuit is open; its failure opens the circuit."""
        while self._failures:
            remaining = self._open_until - time.monotonic()
            if remaining > 0:
                raise CircuitOpen(
                    f"{self._last_error} (model-service failing; next probe in {remaining:.1f}s)",
                    retry_after=remaining,
                )
            if self._probe is None:
                break  # this call is the probe
            if not await asyncio.shield(self._probe):
                continue  # the probe failed: open again, fail fast above
            break  # the probe succeeded: closed
        probing = self._failures > 0
        if probing:
            self._probe = asyncio.get_running_loop().create_future()
        succeeded = False
        try:
            result = await attempt()
            succeeded = True
        except ModelUnavailable as error:
            self._trip(error)
            raise
        except Exception:
            succeeded = True  # the service answered, even if not with what we wanted
            raise
        finally:
            if succeeded and self._failures:
                log.info("model-service answers again; circuit closed")
                self._failures = 0
            if probing and self._probe is not None:
                self._probe.set_result(succeeded)
                self._probe = None
        return result

    def _trip(self, error: ModelUnavailable) -> None:
        self._last_error = error.message
        if self._open_until > time.monotonic():
            return  # calls that were in flight together fail together: one interval, not many
        interval = min(self._base_s * 2.0 ** min(self._failures, 16), self._cap_s)
        if error.retry_after is not None:
            interval = min(max(interval, error.retry_after), self._cap_s)
        self._failures += 1
        self._open_until = time.monotonic() + interval
        log.warning(
            "model-service failing; circuit open",
            extra={"interval": interval, "failures": self._failures, "error": error.message},
        )

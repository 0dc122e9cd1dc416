"""What a generation waits on, told to the user while it waits and named when it times out.

Before, a note waiting on another worker's lock or on a slow model showed no phase for 20-90 s,
and a timeout said ``no note within 90s`` whatever it had waited on. ``Progress`` follows the
generation's stages (``NoteGenerator``'s ``on_stage``) and calls ``report(reason, message)``:
at once when another worker holds the lock, after ``after_s`` on the model. A report is never
left in flight when the generation ends, so it cannot land after the final status.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from relnotes.models.errors import ModelUnavailable, RelnotesError, StoreUnavailable
from relnotes.services.generation import Stage

__all__ = ["Progress", "Report"]

log = logging.getLogger(__name__)

Report = Callable[[str, str], Awaitable[None]]
"""``report(reason, message)``: show that the generation waits (phase ``Generating``)."""


class Progress:
    """The current stage of one generation, and its pending report.

    A report waits on a timer, not a task: a generation that never waits long (nearly all)
    costs no task at all.
    """

    def __init__(self, model: str, report: Report | None, *, after_s: float) -> None:
        self._model = model
        self._report = report
        self._after_s = after_s
        self.stage: Stage | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._sent: list[asyncio.Task[None]] = []

    def enter(self, stage: Stage) -> None:
        """The generation now waits on ``stage``."""
        self.stage = stage
        if self._report is None:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if stage == "lock":
            message = "another worker is drafting the same input; waiting for its note"
            self._schedule(0.0, "WaitingForLock", message)
        elif stage == "model":
            message = f"waiting for model {self._model!r} to draft the note"
            self._schedule(self._after_s, "WaitingForModel", message)

    def _schedule(self, delay_s: float, reason: str, message: str) -> None:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(delay_s, self._fire, reason, message)

    def _fire(self, reason: str, message: str) -> None:
        self._timer = None
        self._sent.append(asyncio.create_task(self._send(reason, message)))

    async def _send(self, reason: str, message: str) -> None:
        assert self._report is not None
        try:
            await self._report(reason, message)
        except Exception as error:  # a status the user sees later anyway; never fatal
            log.warning("progress not reported", extra={"reason": reason, "error": str(error)})

    async def close(self) -> None:
        """Drop a report not due yet; wait for those being sent (they must land first)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._sent:
            await asyncio.gather(*self._sent, return_exceptions=True)
            self._sent.clear()

    def timed_out(self, timeout_s: float) -> RelnotesError:
        """The error of a generation that took longer than ``timeout_s``, naming the wait."""
        if self.stage == "store":
            return StoreUnavailable(f"postgres did not record the intent within {timeout_s:g}s")
        if self.stage == "lock":
            return ModelUnavailable(
                f"no note within {timeout_s:g}s: another worker held the generation lock for"
                " the same input the whole time"
            )
        if self.stage == "cache":
            return ModelUnavailable(f"no note within {timeout_s:g}s: the cache did not answer")
        return ModelUnavailable(f"no note from model {self._model!r} within {timeout_s:g}s")

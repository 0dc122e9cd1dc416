"""Generation: a spec in, a note out, with the cache and its lock in between.

Identical inputs (many resources, kopf retries, two operator replicas) share one cache key.
Within a process, callers of one key share one in-flight generation (single flight), with or
without Redis; across replicas, the first claims the key (takes its lock) and drafts, the others
wait on the claim and then find the note in the cache. Either way, one model call per distinct
input, and a failure is shared by everyone who waited for it, never cached.
``before_model_call`` lets the operator refuse to spend on a model call it could not record;
``on_stage`` tells it what the generation waits on now (``cache``, ``lock``, ``store``,
``model``).
"""

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from relnotes.config import DETERMINISTIC_MODEL
from relnotes.models.errors import RelnotesError
from relnotes.models.result import GeneratedNote
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.drafting import Drafter
from relnotes.services.prompt import PROMPT_VERSION
from relnotes.storage.cache import DraftCache

__all__ = ["Generation", "GenerationEvents", "NoteGenerator", "Stage", "cache_key"]

log = logging.getLogger(__name__)

Stage = Literal["cache", "lock", "store", "model"]
OnStage = Callable[[Stage], None]
BeforeCall = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class Generation:
    """A note and how it was obtained."""

    note: GeneratedNote
    cache_key: str
    cache_hit: bool


def cache_key(spec: ReleaseNoteSpec, model: str) -> str:
    """sha256 of the normalised inputs, the engine, the model and the prompt version."""
    inputs = spec.to_manifest()
    inputs.pop("model", None)
    inputs["changeSummary"] = " ".join(spec.change_summary.split())
    engine = "deterministic" if model == DETERMINISTIC_MODEL else "llm"
    document = {"inputs": inputs, "engine": engine, "model": model, "prompt": PROMPT_VERSION}
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return "rn1:" + hashlib.sha256(encoded).hexdigest()


def _ignore(stage: Stage) -> None:
    del stage


class GenerationEvents(Protocol):
    """Who is told about model calls and coalesced waits (the operator's metrics)."""

    def model_call(self, outcome: str) -> None:
        """A model call ended: ``ok`` or the domain error's code."""

    def coalesced_wait(self, seconds: float) -> None:
        """A caller waited ``seconds`` for another caller's generation of the same input."""


class _Unobserved:
    def model_call(self, outcome: str) -> None:
        del outcome

    def coalesced_wait(self, seconds: float) -> None:
        del seconds


class NoteGenerator:
    """Cache first, then one coalesced model call per distinct input."""

    def __init__(
        self,
        drafter: Drafter,
        cache: DraftCache,
        *,
        ttl_s: int,
        lock_timeout_s: float = 120.0,
        events: GenerationEvents | None = None,
    ) -> None:
        self._drafter = drafter
        self._cache = cache
        self._ttl_s = ttl_s
        self._lock_timeout_s = lock_timeout_s
        self._events: GenerationEvents = events or _Unobserved()
        self._flights: dict[str, asyncio.Task[Generation]] = {}

    async def generate(
        self,
        spec: ReleaseNoteSpec,
        model: str,
        *,
        regenerate: str | None = None,
        before_model_call: BeforeCall | None = None,
        on_stage: OnStage = _ignore,
    ) -> Generation:
        """The note for ``spec``; ``regenerate`` (a request id) drafts past the cache.

        A caller that finds its key in flight in this process waits for that flight instead
        (shielded: its own timeout does not cancel the flight others wait on) and shares its
        note, as a cache hit, or its error. A regeneration is looked up under its own key
        first, so the same request handled twice (two replicas, a retry after the model
        answered) drafts once; its note then replaces the input's cached one.
        """
        key = cache_key(spec, model)
        if regenerate:
            request = f"{key}:regenerate:{hashlib.sha256(regenerate.encode()).hexdigest()[:32]}"
            on_stage("cache")
            async with self._cache.claim(request, self._lock_timeout_s) as claim:
                if claim.note is not None:
                    return Generation(claim.note, key, cache_hit=True)
                drafted = await self._generate(key, spec, model, True, before_model_call, on_stage)
                await claim.fill(drafted.note, self._ttl_s)
                return drafted
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.create_task(
                self._generate(key, spec, model, False, before_model_call, on_stage),
                name=f"relnotes-generate-{key[4:16]}",
            )
            self._flights[key] = flight
            flight.add_done_callback(lambda done: self._landed(key, done))
            return await asyncio.shield(flight)
        on_stage("lock")
        started = time.monotonic()
        try:
            shared = await asyncio.shield(flight)
        finally:
            self._events.coalesced_wait(time.monotonic() - started)
        return Generation(shared.note, key, cache_hit=True)

    def _landed(self, key: str, flight: "asyncio.Task[Generation]") -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.cancelled():
            flight.exception()  # retrieved: a flight nobody awaits any more logs no warning

    async def _generate(
        self,
        key: str,
        spec: ReleaseNoteSpec,
        model: str,
        force: bool,
        before_model_call: BeforeCall | None,
        on_stage: OnStage,
    ) -> Generation:
        on_stage("cache")
        started = time.monotonic()
        waited = False

        def on_wait() -> None:
            nonlocal waited
            waited = True
            on_stage("lock")

        async with self._cache.claim(
            key, self._lock_timeout_s, lookup=not force, on_wait=on_wait
        ) as claim:
            if waited:
                self._events.coalesced_wait(time.monotonic() - started)
            if claim.note is not None:
                return Generation(claim.note, key, cache_hit=True)
            if not claim.locked:
                log.warning("drafting without the generation lock", extra={"cache_key": key})
            if before_model_call is not None:
                on_stage("store")
                await before_model_call(key)
            on_stage("model")
            try:
                note = await self._drafter.draft(spec, model)
            except RelnotesError as error:
                self._events.model_call(error.code)
                raise
            self._events.model_call("ok")
            await claim.fill(note, self._ttl_s)
        return Generation(note, key, cache_hit=False)

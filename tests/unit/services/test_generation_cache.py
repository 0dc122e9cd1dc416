"""The generator: cache hits, one model call per distinct input, no cached failures."""

import asyncio
from contextlib import AbstractAsyncContextManager

import pytest

from relnotes.config import DETERMINISTIC_MODEL
from relnotes.models.errors import ModelUnavailable, StoreUnavailable
from relnotes.models.result import GeneratedNote
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.completion import CompletionService
from relnotes.services.drafting import Drafter
from relnotes.services.engines.offline import DeterministicEngine
from relnotes.services.engines.router import EngineRouter
from relnotes.services.generation import NoteGenerator, cache_key
from relnotes.storage.cache import Claim, MemoryCache, OnWait


def _none() -> None:
    """Nobody to tell."""


class CountingDrafter(Drafter):
    """The real drafter on the offline engine, counting calls and optionally failing first."""

    def __init__(self, failures: int = 0) -> None:
        super().__init__(CompletionService(EngineRouter([DeterministicEngine()])), max_tokens=800)
        self.calls = 0
        self.failures = failures

    async def draft(self, spec: ReleaseNoteSpec, model: str) -> GeneratedNote:
        self.calls += 1
        await asyncio.sleep(0.01)
        if self.failures:
            self.failures -= 1
            raise ModelUnavailable("model-service: HTTP 503")
        return await super().draft(spec, model)


def spec(summary: str = "Scaled the app node group from 3 to 6 nodes in prod") -> ReleaseNoteSpec:
    return ReleaseNoteSpec.model_validate({"changeSummary": summary})


def test_the_key_ignores_whitespace_but_not_inputs_model_or_tone() -> None:
    base = cache_key(spec(), DETERMINISTIC_MODEL)
    assert base == cache_key(
        spec("Scaled  the app node group\nfrom 3 to 6 nodes in prod"), DETERMINISTIC_MODEL
    )
    assert base != cache_key(
        spec("Scaled the app node group from 3 to 7 nodes in prod"), DETERMINISTIC_MODEL
    )
    assert base != cache_key(spec(), "gpt-4o-mini")
    formal = ReleaseNoteSpec.model_validate({**spec().to_manifest(), "tone": "formal"})
    assert base != cache_key(formal, DETERMINISTIC_MODEL)


async def test_concurrent_identical_requests_cost_one_model_call() -> None:
    drafter = CountingDrafter()
    generator = NoteGenerator(drafter, MemoryCache(), ttl_s=60)
    summaries = [f"Scaled the app node group from 3 to {n} nodes" for n in (4, 5, 6)]
    results = await asyncio.gather(
        *(generator.generate(spec(summaries[i % 3]), DETERMINISTIC_MODEL) for i in range(20))
    )
    assert drafter.calls == 3
    assert sum(not r.cache_hit for r in results) == 3
    assert len({r.note.draft.release_note for r in results}) == 3


async def test_failures_are_not_cached_and_a_regenerate_token_drafts_once() -> None:
    drafter = CountingDrafter(failures=1)
    generator = NoteGenerator(drafter, MemoryCache(), ttl_s=60)
    with pytest.raises(ModelUnavailable):
        await generator.generate(spec(), DETERMINISTIC_MODEL)
    first = await generator.generate(spec(), DETERMINISTIC_MODEL)
    assert not first.cache_hit
    assert (await generator.generate(spec(), DETERMINISTIC_MODEL)).cache_hit
    forced = await generator.generate(spec(), DETERMINISTIC_MODEL, regenerate="uid/1/token-a")
    assert not forced.cache_hit
    assert drafter.calls == 3
    again = await generator.generate(spec(), DETERMINISTIC_MODEL, regenerate="uid/1/token-a")
    assert again.cache_hit  # the same request handled twice (a second replica): one call
    assert (await generator.generate(spec(), DETERMINISTIC_MODEL)).note == forced.note
    await generator.generate(spec(), DETERMINISTIC_MODEL, regenerate="uid/1/token-b")
    assert drafter.calls == 4


async def test_a_failing_pre_call_check_prevents_the_model_call() -> None:
    drafter = CountingDrafter()
    generator = NoteGenerator(drafter, MemoryCache(), ttl_s=60)

    keys: list[str] = []

    async def database_down(key: str) -> None:
        keys.append(key)
        raise StoreUnavailable("postgres: connection refused")

    with pytest.raises(StoreUnavailable):
        await generator.generate(spec(), DETERMINISTIC_MODEL, before_model_call=database_down)
    assert drafter.calls == 0
    assert keys == [cache_key(spec(), DETERMINISTIC_MODEL)]  # the intent names the cache key


async def test_in_flight_identical_inputs_share_one_call_and_its_failure() -> None:
    drafter = CountingDrafter(failures=1)

    class NoCoalescingCache:
        """A cache that never makes anyone wait (Redis down): single flight must coalesce."""

        def claim(
            self, key: str, timeout_s: float, *, lookup: bool = True, on_wait: OnWait = _none
        ) -> AbstractAsyncContextManager[Claim]:
            return MemoryCache().claim(key, timeout_s, lookup=lookup)

    generator = NoteGenerator(drafter, NoCoalescingCache(), ttl_s=60)
    failed = await asyncio.gather(
        *(generator.generate(spec(), DETERMINISTIC_MODEL) for _ in range(10)),
        return_exceptions=True,
    )
    assert all(isinstance(f, ModelUnavailable) for f in failed)
    stages: list[str] = []
    results = await asyncio.gather(
        *(
            generator.generate(spec(), DETERMINISTIC_MODEL, on_stage=stages.append)
            for _ in range(10)
        )
    )
    assert drafter.calls == 2
    assert [r.cache_hit for r in results].count(False) == 1
    assert stages.count("lock") == 9  # everyone but the caller that drafted waited for it

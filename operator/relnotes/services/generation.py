"""Generation: a spec in, a note out, with the cache and its lock in between.

Identical inputs (many resources, kopf retries, two operator replicas) share one cache key; the
first caller claims the key (takes its lock) and drafts, the others wait on the claim and then
find the note in the cache, so they cost one model call. Failures are never cached.
``before_model_call`` lets the operator refuse to spend on a model call it could not record.
"""

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from relnotes.config import DETERMINISTIC_MODEL
from relnotes.models.result import GeneratedNote
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.drafting import Drafter
from relnotes.services.prompt import PROMPT_VERSION
from relnotes.storage.cache import DraftCache

__all__ = ["Generation", "NoteGenerator", "cache_key"]

log = logging.getLogger(__name__)


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


class NoteGenerator:
    """Cache first, then one coalesced model call per distinct input."""

    def __init__(
        self, drafter: Drafter, cache: DraftCache, *, ttl_s: int, lock_timeout_s: float = 120.0
    ) -> None:
        self._drafter = drafter
        self._cache = cache
        self._ttl_s = ttl_s
        self._lock_timeout_s = lock_timeout_s

    async def generate(
        self,
        spec: ReleaseNoteSpec,
        model: str,
        *,
        force: bool = False,
        before_model_call: Callable[[str], Awaitable[None]] | None = None,
    ) -> Generation:
        """The note for ``spec``; ``force`` skips the cache lookup (but still fills it)."""
        key = cache_key(spec, model)
        async with self._cache.claim(key, self._lock_timeout_s, lookup=not force) as claim:
            if claim.note is not None:
                return Generation(claim.note, key, cache_hit=True)
            if not claim.locked:
                log.warning("drafting without the generation lock", extra={"cache_key": key})
            if before_model_call is not None:
                await before_model_call(key)
            note = await self._drafter.draft(spec, model)
            await claim.fill(note, self._ttl_s)
        return Generation(note, key, cache_hit=False)

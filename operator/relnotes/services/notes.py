"""Notes for ReleaseNote resources: generate (cached, coalesced) and record durably in Postgres.

This is the one service the controller calls. Its order is the operator's promise about spend:
Postgres must take the ``Generating`` row before a model is called, so a note is never paid for
without a durable record; the note is cached before it is recorded, so a Postgres failure after
the call is retried from the cache instead of calling the model again. A whole attempt is bounded
by ``timeout_s``: a slow model-service becomes a retryable ``ModelUnavailable``, a slow
Postgres a ``StoreUnavailable``, and each says what it waited on.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace

from relnotes.models.errors import StoreUnavailable
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.generation import Generation, NoteGenerator
from relnotes.services.progress import Progress, Report
from relnotes.storage.note_store import NoteRef, NoteStore

__all__ = ["LiveUids", "NoteService", "Report"]

LiveUids = Callable[[str], Awaitable[Collection[str]]]
"""The uids of the ReleaseNotes that exist in a namespace now (a LIST of the cluster)."""

log = logging.getLogger(__name__)


class NoteService:
    """Produce, fail and forget the notes of ReleaseNote resources."""

    def __init__(
        self,
        generator: NoteGenerator,
        store: NoteStore,
        *,
        default_model: str,
        timeout_s: float,
        progress_after_s: float = 2.0,
    ) -> None:
        self._generator = generator
        self._store = store
        self._default_model = default_model
        self._timeout_s = timeout_s
        self._progress_after_s = progress_after_s

    def model_for(self, spec: ReleaseNoteSpec) -> str:
        """The model a spec asks for, else the operator's default."""
        return spec.model or self._default_model

    async def produce(
        self,
        ref: NoteRef,
        spec: ReleaseNoteSpec,
        *,
        regenerate: str | None = None,
        report: Report | None = None,
    ) -> Generation:
        """The note for ``ref`` at its generation, recorded; raises retry-aware domain errors.

        ``regenerate`` (a regenerate token) drafts past the cache, once per resource, generation
        and token, however many replicas or retries handle it.

        ``report(reason, message)`` is told when the generation waits: at once on another
        worker's lock (``WaitingForLock``), after ``progress_after_s`` on the model
        (``WaitingForModel``). A timeout names what it was waiting on.
        """
        model = self.model_for(spec)
        progress = Progress(model, report, after_s=self._progress_after_s)

        async def record_intent(key: str) -> None:
            await self._store.begin(ref, spec, key)

        try:
            async with asyncio.timeout(self._timeout_s):
                generation = await self._generator.generate(
                    spec,
                    model,
                    regenerate=(f"{ref.uid}/{ref.generation}/{regenerate}" if regenerate else None),
                    before_model_call=record_intent,
                    on_stage=progress.enter,
                )
        except TimeoutError as error:
            raise progress.timed_out(self._timeout_s) from error
        finally:
            await progress.close()
        hit = await self._store.record(
            ref, spec, generation.note, cache_key=generation.cache_key, hit=generation.cache_hit
        )
        generation = replace(generation, cache_hit=hit)  # this resource paid once: not a hit
        log.info(
            "note recorded",
            extra={
                "namespace": ref.namespace,
                "resource": ref.name,
                "generation": ref.generation,
                "cache_key": generation.cache_key,
                "cache_hit": generation.cache_hit,
                "provider": generation.note.provenance.provider,
            },
        )
        return generation

    async def fail(self, ref: NoteRef, spec: ReleaseNoteSpec, reason: str) -> None:
        """Record that this generation failed for good (raises StoreUnavailable)."""
        await self._store.fail(ref, spec, reason)

    async def forget(self, uid: str, *, timeout_s: float) -> int:
        """Mark a deleted resource's history; bounded, so deletion never waits long."""
        try:
            async with asyncio.timeout(timeout_s):
                return await self._store.mark_deleted(uid)
        except TimeoutError as error:
            raise StoreUnavailable(f"postgres did not answer within {timeout_s:g}s") from error

    async def sweep(self, live_uids: LiveUids, serves: Callable[[str], bool]) -> int:
        """Mark the history of resources that vanished unseen; returns how many rows.

        ``serves`` says which namespaces this operator is responsible for: a namespace it
        does not serve is never listed, so a narrower operator leaves others' history alone.
        """
        since, namespaces = await self._store.history_scope()
        marked = 0
        for namespace in filter(serves, namespaces):
            live = await live_uids(namespace)
            count = await self._store.mark_vanished(namespace, live, unchanged_since=since)
            if count:
                log.info(
                    "vanished history marked deleted", extra={"namespace": namespace, "rows": count}
                )
            marked += count
        return marked

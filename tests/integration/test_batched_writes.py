"""Upserts that arrive together are pipelined, yet each caller gets its own outcome: a bad row
fails alone, a caller that gives up does not stop the others, and every row is written."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from relnotes.models.errors import StoreUnavailable
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.batching import BatchedWriter
from relnotes.storage.note_store import NoteRef, NoteStore

SPEC = ReleaseNoteSpec.model_validate({"changeSummary": "Rotate the KMS key of the docs bucket"})


@pytest.fixture
def batch_sizes(spy_batches: Callable[[type[Any]], list[int]]) -> list[int]:
    """The size of every batch the writers send, in order."""
    return spy_batches(BatchedWriter)


async def test_concurrent_upserts_are_batched_and_all_written(
    store: NoteStore, batch_sizes: list[int]
) -> None:
    refs = [NoteRef(f"uid-{i}", 1, "ns", f"note-{i}") for i in range(150)]
    await asyncio.gather(*(store.begin(ref, SPEC, "rn1:k") for ref in refs))
    assert sum(batch_sizes) == len(refs)
    assert len(batch_sizes) < len(refs) / 10, "writes that arrive together share a batch"
    assert max(batch_sizes) <= 64
    rows = await store.list(namespace="ns", limit=500)
    assert sorted(row.uid for row in rows) == sorted(ref.uid for ref in refs)
    assert {row.phase for row in rows} == {"Generating"}


async def test_a_failing_row_fails_only_its_own_write(
    store: NoteStore, batch_sizes: list[int]
) -> None:
    refs = [NoteRef(f"uid-{i}", 1, "ns", f"note-{i}") for i in range(10)]
    refs.insert(5, NoteRef("bad", -1, "ns", "bad"))  # generation >= 0 is a CHECK constraint
    results = await asyncio.gather(
        *(store.begin(ref, SPEC, "rn1:k") for ref in refs), return_exceptions=True
    )
    assert batch_sizes[0] == len(refs), "the bad row was in a batch with the others"
    assert isinstance(results.pop(5), StoreUnavailable)
    assert results == [None] * 10
    rows = await store.list(namespace="ns")
    assert sorted(row.uid for row in rows) == sorted(f"uid-{i}" for i in range(10))


async def test_a_caller_that_gives_up_does_not_stop_the_others(store: NoteStore) -> None:
    refs = [NoteRef(f"uid-{i}", 1, "ns", f"note-{i}") for i in range(20)]
    writes = [asyncio.create_task(store.begin(ref, SPEC, "rn1:k")) for ref in refs]
    await asyncio.sleep(0)  # every write queued
    writes[3].cancel()
    results = await asyncio.gather(*writes, return_exceptions=True)
    assert isinstance(results.pop(3), asyncio.CancelledError)
    assert results == [None] * 19
    await store.begin(NoteRef("later", 1, "ns", "later"), SPEC, "rn1:k")  # the writer goes on
    assert len(await store.list(namespace="ns")) >= 20


async def test_a_bad_row_alone_in_a_batch_fails_no_write_queued_behind_it(
    store: NoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = BatchedWriter._send_batch
    held = asyncio.Event()

    async def slow_first(self: BatchedWriter, batch: list[Any]) -> Sequence[Any]:
        if not held.is_set():
            held.set()
            await asyncio.sleep(0.1)  # the good writes queue meanwhile
        return await original(self, batch)

    monkeypatch.setattr(BatchedWriter, "_send_batch", slow_first)
    bad = asyncio.create_task(store.begin(NoteRef("bad", -1, "ns", "bad"), SPEC, "rn1:k"))
    await held.wait()
    good = [NoteRef(f"uid-{i}", 1, "ns", f"note-{i}") for i in range(5)]
    writes = asyncio.gather(*(store.begin(ref, SPEC, "rn1:k") for ref in good))
    with pytest.raises(StoreUnavailable):
        await bad
    await writes
    assert len(await store.list(namespace="ns")) == 5


async def test_writes_of_one_row_that_arrive_together_land_in_their_order(
    store: NoteStore, batch_sizes: list[int]
) -> None:
    """One statement cannot upsert a row twice: the second write of a key waits for the next
    statement, so the last write wins, as it would written one by one."""
    ref, other = NoteRef("uid-1", 1, "ns", "note-1"), NoteRef("uid-2", 1, "ns", "note-2")
    results = await asyncio.gather(
        store.begin(ref, SPEC, "rn1:k"),
        store.fail(ref, SPEC, "the model refused"),
        store.begin(other, SPEC, "rn1:k"),
        return_exceptions=True,
    )
    assert list(results) == [None, None, None]
    assert batch_sizes == [3], "they arrived together"
    rows = {row.uid: row for row in await store.list(namespace="ns")}
    assert (rows["uid-1"].phase, rows["uid-1"].error) == ("Failed", "the model refused")
    assert rows["uid-2"].phase == "Generating"

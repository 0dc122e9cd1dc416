"""The operator under faults (issue #9), in-process: each test is one row of the fault table.

Each asserts what a user sees once the fault clears: every note Ready within 30 s, model calls
per distinct input, rows per (uid, generation).
"""

from __future__ import annotations

import asyncio

from harness import Cluster, FaultProxy, eventually, note_rows
from test_operator import all_ready, condition, create, is_ready, merge, status

REGENERATE = "relnotes.io/regenerate"


async def test_a_reply_that_is_not_json_is_a_transport_fault_not_invalid_output(
    operator: Cluster, model: FaultProxy, database: str
) -> None:
    model.mode = "not-json"
    names = [f"wire-{i}" for i in range(5)]
    await asyncio.gather(*(create(operator, n) for n in names))
    await eventually(
        lambda: all(condition(operator, n, "Ready")["reason"] == "ModelUnavailable" for n in names)
    )
    await asyncio.sleep(2)  # longer than invalid-output exhaustion took before
    assert all(status(operator, n)["phase"] == "Retrying" for n in names)
    model.mode = "pass"
    cleared = asyncio.get_running_loop().time()
    await all_ready(operator, names, timeout_s=30)
    assert asyncio.get_running_loop().time() - cleared <= 30
    assert model.calls == 1  # five identical inputs, one paid call
    assert sorted((r[1], r[2]) for r in note_rows(database)) == [(1, "Ready")] * 5


async def test_exhausted_invalid_output_is_drafted_again_on_a_spec_change_or_new_token(
    operator: Cluster, model: FaultProxy, database: str
) -> None:
    model.mode = "garbage"
    await create(operator, "bad-model")
    await eventually(lambda: status(operator, "bad-model").get("phase") == "Failed")
    ready = condition(operator, "bad-model", "Ready")
    assert ready["reason"] == "InvalidOutputExhausted"
    assert "3 invalid replies" in ready["message"]
    assert REGENERATE in ready["message"]  # says how to try again
    assert model.calls == 3

    # A new spec starts from zero: one more bad reply is not the end of generation 2.
    await merge(operator, "bad-model", {"spec": {"changeSummary": "Rotate the TLS certificates"}})
    await eventually(
        lambda: (
            status(operator, "bad-model").get("observedGeneration") == 2
            and status(operator, "bad-model").get("phase") == "Retrying"
        )
    )
    assert status(operator, "bad-model")["invalidOutputs"] == 1
    model.mode = "pass"
    await eventually(lambda: is_ready(operator, "bad-model", generation=2), timeout_s=30)

    # Failed again at generation 2, then a regenerate token drafts it once more.
    model.mode = "garbage"
    await merge(operator, "bad-model", {"metadata": {"annotations": {REGENERATE: "t1"}}})
    await eventually(
        lambda: condition(operator, "bad-model", "Ready")["reason"] == "InvalidOutputExhausted"
    )
    model.mode = "pass"
    await merge(operator, "bad-model", {"metadata": {"annotations": {REGENERATE: "t2"}}})
    await eventually(lambda: status(operator, "bad-model").get("regenerateToken") == "t2")
    assert is_ready(operator, "bad-model", generation=2)
    uid = operator.note("ns1", "bad-model")["metadata"]["uid"]
    assert [(r[1], r[2]) for r in note_rows(database, uid)] == [(1, "Failed"), (2, "Ready")]

"""Status is what users and ArgoCD read: conditions keep transition times, failures say why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.notes import sample_note

from relnotes.controller.conditions import TYPES, Condition, merge
from relnotes.controller.reconcile import parse_spec
from relnotes.controller.settings import ControllerSettings
from relnotes.controller.status import Observed, failure, ready
from relnotes.services.generation import Generation

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)


def _body(**status: object) -> dict[str, object]:
    return {
        "metadata": {"name": "n", "namespace": "ns", "generation": 2, "uid": "u"},
        "spec": {"changeSummary": "Bump Redis"},
        "status": status,
    }


def _generation(hit: bool = False) -> Generation:
    return Generation(sample_note(), "rn1:abc", hit)


def test_merge_fills_every_type_in_order_and_keeps_unchanged_transition_times() -> None:
    first = merge([], [Condition("Ready", "True", "NoteReady")], generation=1, now=T0)
    assert [c["type"] for c in first] == list(TYPES)
    assert first[0]["status"] == "Unknown"
    again = merge(first, [Condition("Ready", "True", "NoteReady", "x")], generation=2, now=T1)
    ready_now = again[-1]
    assert ready_now["lastTransitionTime"] == first[-1]["lastTransitionTime"]
    assert ready_now["observedGeneration"] == 2
    flipped = merge(again, [Condition("Ready", "False", "ModelUnavailable")], generation=2, now=T1)
    assert flipped[-1]["lastTransitionTime"] == "2026-01-01T00:05:00Z"


def test_ready_status_carries_the_note_provenance_and_view_url() -> None:
    observed = Observed.from_body(_body(), "https://notes.example/")
    status = ready(observed, _generation(hit=True), now=T0)
    assert status["phase"] == "Ready"
    assert status["observedGeneration"] == 2
    assert status["note"] == "Upgraded Redis to 7.2."
    assert status["scenarios"] == [{"title": "Redis answers", "expected": "PONG."}] * 2
    assert status["tokens"] == {"prompt": 10, "completion": 5, "total": 15}
    assert status["cacheHit"] is True
    assert status["viewUrl"] == "https://notes.example/notes/ns/n"
    assert {c["type"]: c["reason"] for c in status["conditions"]}["Generated"] == "CacheHit"
    assert status["invalidOutputs"] is None  # cleared by the merge patch


def test_failure_says_which_stage_stopped_and_why() -> None:
    observed = Observed.from_body(_body(), None)
    status = failure(
        observed,
        stage="Persisted",
        phase="Retrying",
        reason="StoreUnavailable",
        message="postgres down",
        now=T0,
    )
    by_type = {c["type"]: c for c in status["conditions"]}
    assert by_type["Ready"]["status"] == "False"
    assert by_type["Ready"]["reason"] == "StoreUnavailable"
    assert by_type["Persisted"]["status"] == "False"
    assert by_type["Accepted"]["status"] == "True"
    assert by_type["Generated"]["status"] == "Unknown"


def test_parse_spec_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"spec\.testScenarios"):
        parse_spec({"changeSummary": "Bump Redis", "testScenarios": 9})
    assert parse_spec({"changeSummary": "Bump Redis"}).test_scenarios == 3


def test_backoff_is_exponential_capped_and_honours_retry_after() -> None:
    config = ControllerSettings(retry_base_seconds=1, retry_cap_seconds=30)
    assert [config.backoff(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert config.backoff(0, retry_after=12) == 12
    assert config.backoff(0, retry_after=999) == 30


def test_invalid_outputs_count_only_for_the_same_generation_and_regenerate_token() -> None:
    counted = Observed.from_body(_body(observedGeneration=2, invalidOutputs=2), None)
    assert counted.invalid_outputs == 2
    older = Observed.from_body(_body(observedGeneration=1, invalidOutputs=2), None)
    assert older.invalid_outputs == 0  # generation 1's count is not generation 2's
    body = _body(observedGeneration=2, invalidOutputs=2, invalidOutputsToken="a")
    body["metadata"]["annotations"] = {"relnotes.io/regenerate": "b"}  # type: ignore[index]
    assert Observed.from_body(body, None).invalid_outputs == 0  # a new token starts over
    status = failure(
        Observed.from_body(body, None),
        stage="Generated",
        phase="Retrying",
        reason="InvalidOutput",
        message="m",
        now=T0,
        invalid_outputs=1,
    )
    assert (status["invalidOutputs"], status["invalidOutputsToken"]) == (1, "b")

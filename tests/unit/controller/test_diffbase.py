"""``StatusEssence`` reads the same essence as kopf's own ``StatusDiffBaseStorage``."""

from __future__ import annotations

import copy
from typing import Any, cast

import kopf
import pytest

from relnotes.controller.diffbase import StatusEssence

FIELD = "status.kopf.lastHandledConfiguration"


def _body(raw: dict[str, Any]) -> kopf.Body:
    return kopf.Body(cast(kopf.RawBody, raw))


def _note(**extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "relnotes.io/v1alpha1",
        "kind": "ReleaseNote",
        "metadata": {
            "name": "rds",
            "namespace": "platform",
            "uid": "3c8f",
            "generation": 2,
            "resourceVersion": "981",
            "labels": {"team": "data"},
            "annotations": {
                "relnotes.io/regenerate": "2",
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
                "kopf.zalando.org/last-handled-configuration": "{}",
            },
            "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:spec": {}}}],
        },
        "spec": {"changeSummary": "Move the orders database to db.r6g.large", "testScenarios": 3},
        "status": {
            "phase": "Ready",
            "note": "Moved the orders database to db.r6g.large.",
            "scenarios": [{"title": "Failover", "steps": ["a", "b"], "expected": "c"}],
            "kopf": {"lastHandledConfiguration": '{"spec": {}}', "progress": {}},
        },
        **extra,
    }


@pytest.mark.parametrize(
    ("body", "extra_fields"),
    [
        (_note(), None),
        (_note(), [("metadata", "annotations", "relnotes.io/regenerate")]),
        (_note(), ["spec.changeSummary"]),
        (_note(), [("status", "phase")]),  # a handler on a status field: kopf's own build
        (_note(), [("metadata", "generation")]),
        (_note(data={"x": 1}), None),  # any other top-level stanza stays in the essence
        ({"apiVersion": "v1", "kind": "ReleaseNote", "metadata": {"name": "bare"}}, None),
    ],
)
def test_the_essence_is_kopfs(body: dict[str, Any], extra_fields: list[Any] | None) -> None:
    kept = copy.deepcopy(body)
    ours = StatusEssence(field=FIELD).build(body=_body(body), extra_fields=extra_fields)
    theirs = kopf.StatusDiffBaseStorage(field=FIELD).build(
        body=_body(copy.deepcopy(body)), extra_fields=extra_fields
    )
    assert ours == theirs
    assert body == kept  # the object itself is untouched


def test_the_essence_is_a_copy() -> None:
    body = _note()
    essence: Any = StatusEssence(field=FIELD).build(body=_body(body))
    essence["spec"]["changeSummary"] = "changed"
    essence["metadata"]["labels"]["team"] = "changed"
    assert body["spec"]["changeSummary"].startswith("Move")
    assert body["metadata"]["labels"]["team"] == "data"

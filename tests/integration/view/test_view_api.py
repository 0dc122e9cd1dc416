"""``/api/v1`` through ``relnotes view`` (the console script): responses held to the OpenAPI
document with jsonschema, then schemathesis: no 5xx, no schema or status-code violation."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import jsonschema
import schemathesis
from hypothesis import HealthCheck, given, settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from view_server import relnotes_view, seed_notes


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _validator(document: dict[str, Any], name: str) -> jsonschema.Draft202012Validator:
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("urn:openapi", resource)
    schema = {"$ref": f"urn:openapi#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_responses_follow_the_openapi_document(database: str) -> None:
    seed_notes(database, 12)
    with relnotes_view(database) as base:
        status, document = _get(f"{base}/api/v1/openapi.json")
        assert status == 200
        assert document["openapi"] == "3.1.0"
        listing = _validator(document, "NoteList")
        note = _validator(document, "NoteDocument")
        error = _validator(document, "ErrorBody")
        status, page = _get(f"{base}/api/v1/notes?limit=5")
        assert status == 200
        listing.validate(page)
        seen = [item["name"] for item in page["items"]]
        while page["next"]:
            status, page = _get(base + page["next"])
            listing.validate(page)
            seen += [item["name"] for item in page["items"]]
        assert sorted(seen) == sorted([f"note-{n}" for n in range(12)] + ["failed"])
        for name in ("note-3", "failed"):
            status, body = _get(f"{base}/api/v1/notes/platform/{name}")
            assert status == 200
            note.validate(body)
        for url, expected in (
            ("/api/v1/notes?limit=0", 400),
            ("/api/v1/notes/platform/nope", 404),
            ("/api/v1/notes?risk=x", 400),
        ):
            status, body = _get(base + url)
            assert status == expected
            error.validate(body)


def test_schemathesis_finds_no_5xx_and_no_schema_violation(database: str) -> None:
    seed_notes(database, 5)
    with relnotes_view(database) as base:
        schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
        checks = [
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
        assert len(operations) == 2
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=60,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
                case.call_and_validate(base_url=base, checks=checks)

            fuzz()

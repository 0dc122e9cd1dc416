"""Checking a reply against the JSON schema a caller sent in ``response_format``.

Any valid JSON schema is checked with ``jsonschema``. The schema relnotes itself sends (the
``NoteDraft`` schema) is recognised and checked by the pydantic model it was generated from:
the same rules plus the model's own (one sentence), several times faster than interpreting the
schema, which matters because it is on every request the operator makes.
"""

import json
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from relnotes.models.chat import ChatRequest
from relnotes.models.errors import InvalidRequest
from relnotes.models.result import NoteDraft, draft_json_schema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

__all__ = ["Check", "reply_check"]

Check = Callable[[str], str | None]
"""Returns why a reply's text does not satisfy the schema, or None when it does."""


def _check_with_model(content: str) -> str | None:
    try:
        NoteDraft.model_validate_json(content)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            return f"not valid JSON: {first['msg']}"
        where = "/".join(str(part) for part in first["loc"]) or "(root)"
        return f"{where}: {first['msg']}"
    return None


def _check_with_schema(validator: "Draft202012Validator") -> Check:
    from jsonschema.exceptions import best_match  # only for callers' schemas

    def check(content: str) -> str | None:
        try:
            document: Any = json.loads(content)
        except json.JSONDecodeError as error:
            return f"not valid JSON: {error}"
        found = best_match(validator.iter_errors(document))
        if found is None:
            return None
        where = "/".join(str(part) for part in found.absolute_path) or "(root)"
        return f"{where}: {found.message}"

    return check


@lru_cache(maxsize=64)
def _compiled(schema_json: str) -> Check:
    from jsonschema import Draft202012Validator  # only for callers' schemas
    from jsonschema.exceptions import SchemaError

    schema = json.loads(schema_json)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        raise InvalidRequest(f"response_format.json_schema.schema: {error.message}") from error
    return _check_with_schema(Draft202012Validator(schema))


def _any_text(content: str) -> str | None:
    return None


def _json_object(content: str) -> str | None:
    try:
        document = json.loads(content)
    except json.JSONDecodeError as error:
        return f"not valid JSON: {error}"
    return None if isinstance(document, dict) else "expected a JSON object"


def reply_check(request: ChatRequest) -> Check:
    """The check for what ``request`` asked: any text, a JSON object, or JSON of a schema.

    An invalid schema is an InvalidRequest naming the field.
    """
    if not request.wants_json():
        return _any_text
    schema = request.reply_schema()
    if schema is None:
        return _json_object
    if schema == draft_json_schema():  # a comparison, not a serialisation, on the hot path
        return _check_with_model
    return _compiled(json.dumps(schema, sort_keys=True))

"""The JSON the view returns, as pydantic models: one definition for responses and OpenAPI.

``/notes.json`` and ``/api/v1/notes`` return ``NoteList``; a note returns ``NoteDocument``;
every error returns ``ErrorBody``. ``openapi_document`` derives the OpenAPI 3.1 schemas from
these models and the query parameters from ``NoteQuery``, so the document cannot drift from
what the code sends.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from relnotes.services.catalog import NAME_PATTERN, NoteQuery
from relnotes.storage.note_pages import HistoryEntry, NoteSummary

__all__ = ["ErrorBody", "HistoryItem", "NoteDocument", "NoteItem", "NoteList", "openapi_document"]

_CAMEL = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)


class NoteItem(BaseModel):
    """A note in a listing: its newest generation."""

    model_config = _CAMEL

    namespace: str
    name: str
    uid: str
    generation: int
    phase: str = Field(description="Generating, Ready or Failed.")
    component: str | None
    environment: str | None
    version: str | None
    category: str | None
    risk: str | None
    release_note: str | None
    change_summary: str
    error: str | None
    created_at: datetime
    updated_at: datetime
    url: str = Field(description="The note's page, relative to this server.")

    @classmethod
    def of(cls, note: NoteSummary) -> "NoteItem":
        return cls.model_validate({**note._asdict(), "url": f"/notes/{note.namespace}/{note.name}"})


class NoteList(BaseModel):
    """A page of notes, newest first, with links to its neighbours."""

    model_config = _CAMEL

    items: list[NoteItem]
    next: str | None = Field(description="URL of the next (older) page, if any.")
    previous: str | None = Field(description="URL of the previous (newer) page, if any.")


class HistoryItem(BaseModel):
    """One generation of a note."""

    model_config = _CAMEL

    uid: str
    generation: int
    phase: str
    release_note: str | None
    error: str | None
    cache_hit: bool | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None

    @classmethod
    def of(cls, entry: HistoryEntry) -> "HistoryItem":
        return cls.model_validate(entry)


class NoteDocument(BaseModel):
    """A note's newest row (spec, draft, provenance) and its history."""

    model_config = _CAMEL

    note: dict[str, Any] = Field(description="The newest row: spec, draft, provenance, times.")
    history: list[HistoryItem]
    deleted: bool


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str = Field(description="What was wrong, naming the parameter.")


class ErrorBody(BaseModel):
    """Every error, in JSON."""

    error: ErrorDetail


def _parameters() -> list[dict[str, Any]]:
    schema = NoteQuery.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.get("$defs", {})
    params = []
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k not in ("title", "default")}
        for option in prop.get("anyOf", []):
            ref = option.get("$ref", "")
            if ref:
                option.clear()
                option.update(
                    {k: v for k, v in definitions[ref.rsplit("/", 1)[1]].items() if k != "title"}
                )
        description = prop.pop("description", "")
        params.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": description,
                "schema": prop,
            }
        )
    return params


def _response(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``/api/v1``."""
    schemas: dict[str, Any] = {}
    for model in (NoteList, NoteDocument, ErrorBody):
        schema = model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    errors = {
        "400": _response("ErrorBody", "A parameter is invalid; the message names it."),
        "503": _response("ErrorBody", "Postgres is unavailable; retry later."),
    }
    name = {"type": "string", "pattern": NAME_PATTERN, "description": "A Kubernetes name."}
    path = [
        {"name": p, "in": "path", "required": True, "schema": name} for p in ("namespace", "name")
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "relnotes view API",
            "version": "1.0.0",
            "description": "Read-only access to release notes drafted by relnotes.",
        },
        "paths": {
            "/api/v1/notes": {
                "get": {
                    "operationId": "listNotes",
                    "summary": "Notes, newest first, filtered and paged.",
                    "parameters": _parameters(),
                    "responses": {"200": _response("NoteList", "A page of notes."), **errors},
                }
            },
            "/api/v1/notes/{namespace}/{name}": {
                "get": {
                    "operationId": "getNote",
                    "summary": "One note with its history.",
                    "parameters": path,
                    "responses": {
                        "200": _response("NoteDocument", "The note."),
                        "404": _response("ErrorBody", "No note recorded."),
                        **errors,
                    },
                }
            },
        },
        "components": {"schemas": schemas},
    }

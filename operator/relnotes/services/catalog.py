"""The catalog of generated notes the read-only view serves: pages, one note, changelog, feed.

Queries come in as ``NoteQuery`` (validated from a query string: an unknown, over-long or
control-character parameter is a 400 naming it, never a database error) and go out as pages with
opaque keyset cursors, so a reader following ``next`` sees every note exactly once.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from relnotes.models.errors import InvalidRequest, RelnotesError
from relnotes.models.result import Category, Risk
from relnotes.storage.note_pages import HistoryEntry, Keyset, NoteFilter, NotePages, NoteSummary
from relnotes.storage.note_rows import NoteRow

__all__ = [
    "FEED_SIZE",
    "NAME_PATTERN",
    "NoteCatalog",
    "NoteDetail",
    "NoteNotFound",
    "NotePage",
    "NoteQuery",
    "decode_cursor",
    "encode_cursor",
]

FEED_SIZE = 50
CHANGELOG_SIZE = 1000
NAME_PATTERN = r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=253, pattern=NAME_PATTERN)]
Label = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/ +-]*$")
]
Text = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
]
Cursor = Annotated[
    str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_=-]+$")
]


class NoteNotFound(RelnotesError):
    """No note is recorded for that resource."""

    status = 404
    code = "not_found"


class NoteQuery(BaseModel):
    """Filters, search and paging for browsing notes; the view builds it from the query string."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    namespace: Name | None = Field(default=None, description="Kubernetes namespace.")
    component: Label | None = Field(default=None, description="spec.component, exactly.")
    environment: Label | None = Field(default=None, description="spec.environment, exactly.")
    version: Label | None = Field(default=None, description="spec.version, exactly.")
    category: Category | None = Field(default=None, description="The note's category.")
    risk: Risk | None = Field(default=None, description="The note's risk.")
    q: Text | None = Field(default=None, description="Full-text search in summary and note.")
    limit: int = Field(default=50, ge=1, le=200, description="Notes per page.")
    after: Cursor | None = Field(default=None, description="Cursor: the page after this one.")
    before: Cursor | None = Field(default=None, description="Cursor: the page before this one.")

    def filters(self) -> NoteFilter:
        """The store's filter for this query."""
        return NoteFilter(
            namespace=self.namespace,
            component=self.component,
            environment=self.environment,
            version=self.version,
            category=self.category.value if self.category else None,
            risk=self.risk.value if self.risk else None,
            text=self.q,
        )


def encode_cursor(key: Keyset) -> str:
    """An opaque cursor for the listing position ``key``."""
    raw = f"{key[0].isoformat()}|{key[1]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, parameter: str) -> Keyset:
    """The listing position in ``cursor``; a 400 naming ``parameter`` if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, ident = raw.split("|")
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError("naive timestamp")
        return moment, int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidRequest(f"{parameter}: not a cursor this view issued") from error


@dataclass(frozen=True)
class NotePage:
    """One page of notes (newest first) with the cursors of its neighbours, if any."""

    items: list[NoteSummary]
    next: str | None
    previous: str | None


@dataclass(frozen=True)
class NoteDetail:
    """A note's newest row and every generation it went through."""

    row: NoteRow
    history: list[HistoryEntry]


class NoteCatalog:
    """Read access to generated notes."""

    def __init__(self, store: NotePages) -> None:
        self._store = store

    async def note(self, namespace: str, name: str) -> NoteDetail:
        """The newest note of ``namespace/name`` and its history, or NoteNotFound."""
        row = await self._store.latest(namespace, name)
        if row is None:
            raise NoteNotFound(f"no release note recorded for {namespace}/{name}")
        return NoteDetail(row, await self._store.history(namespace, name))

    async def browse(self, query: NoteQuery) -> NotePage:
        """One page of notes matching ``query``; deleted resources are left out."""
        if query.after and query.before:
            raise InvalidRequest("before: give either after or before, not both")
        filters, limit = query.filters(), query.limit
        if query.before:
            key = decode_cursor(query.before, "before")
            rows = await self._store.page(filters, limit=limit + 1, after=key, newer=True)
            items = rows[:limit][::-1]
            more_newer = len(rows) > limit
            return NotePage(
                items,
                next=encode_cursor(items[-1].key) if items else query.before,
                previous=encode_cursor(items[0].key) if items and more_newer else None,
            )
        start = decode_cursor(query.after, "after") if query.after else None
        rows = await self._store.page(filters, limit=limit + 1, after=start)
        items = rows[:limit]
        return NotePage(
            items,
            next=encode_cursor(items[-1].key) if len(rows) > limit else None,
            previous=encode_cursor(items[0].key) if start and items else None,
        )

    async def newest(self, query: NoteQuery, size: int = CHANGELOG_SIZE) -> list[NoteSummary]:
        """The newest ``size`` notes matching ``query`` (changelog, feed, export)."""
        return await self._store.page(query.filters(), limit=size)

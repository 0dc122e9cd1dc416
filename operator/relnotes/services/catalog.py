"""The catalog of generated notes the read-only view serves.

It speaks to any store with ``latest`` and ``list`` (Postgres in production), bounds every query,
and hides rows that have nothing to show yet unless asked, so the view stays a thin layer of
routes over one service.
"""

from datetime import datetime
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from relnotes.models.errors import RelnotesError
from relnotes.storage.note_rows import NoteRow

__all__ = ["NoteCatalog", "NoteNotFound", "NoteQuery", "NoteReader"]

Name = Annotated[str, StringConstraints(min_length=1, max_length=253, pattern=r"^[a-z0-9.-]+$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=63)]


class NoteNotFound(RelnotesError):
    """No note is recorded for that resource."""

    status = 404
    code = "not_found"


class NoteReader(Protocol):
    """The store operations the catalog reads with."""

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers."""

    async def latest(self, namespace: str, name: str) -> NoteRow | None:
        """The newest row of one resource."""

    async def list(
        self,
        namespace: str | None = None,
        component: str | None = None,
        version: str | None = None,
        limit: int = 50,
        before: datetime | None = None,
        live_only: bool = False,
    ) -> list[NoteRow]:
        """Rows newest first; ``live_only`` leaves out deleted resources."""


class NoteQuery(BaseModel):
    """Filters for browsing notes; the view builds it from the query string."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    namespace: Name | None = None
    component: Label | None = None
    version: Label | None = None
    limit: int = Field(default=50, ge=1, le=200)
    before: datetime | None = None


class NoteCatalog:
    """Read access to generated notes."""

    def __init__(self, store: NoteReader) -> None:
        self._store = store

    async def note(self, namespace: str, name: str) -> NoteRow:
        """The newest note of ``namespace/name``, or NoteNotFound."""
        row = await self._store.latest(namespace, name)
        if row is None:
            raise NoteNotFound(f"no release note recorded for {namespace}/{name}")
        return row

    async def browse(self, query: NoteQuery) -> list[NoteRow]:
        """Notes matching ``query``, newest first; deleted resources are left out."""
        return await self._store.list(
            namespace=query.namespace,
            component=query.component,
            version=query.version,
            limit=query.limit,
            before=query.before,
            live_only=True,
        )

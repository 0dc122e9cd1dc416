"""The view's per-process context: the Postgres pool and the catalog, built at app start-up."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiohttp import web

from relnotes.config import Settings
from relnotes.models.errors import InvalidRequest
from relnotes.services.catalog import NoteCatalog, NoteReader
from relnotes.storage.database import build_pool
from relnotes.storage.note_store import NoteStore

__all__ = ["VIEW", "ViewContext", "view_context"]


@dataclass
class ViewContext:
    """What the routes need."""

    catalog: NoteCatalog
    store: NoteReader


VIEW = web.AppKey("view", ViewContext)


def view_context(settings: Settings) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup-context callable opening the pool (without waiting for Postgres) and closing it."""
    if settings.database_url is None:
        raise InvalidRequest("RELNOTES_DATABASE_URL: required by the view")
    conninfo = settings.database_url.get_secret_value()

    async def context(app: web.Application) -> AsyncIterator[None]:
        pool = build_pool(
            conninfo, password_file=settings.database_password_file, min_size=1, max_size=4
        )
        await pool.open(wait=False)
        store = NoteStore(pool)
        app[VIEW] = ViewContext(NoteCatalog(store), store)
        try:
            yield
        finally:
            await pool.close()

    return context

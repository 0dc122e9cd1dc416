"""Serving rendered bytes: the page cache, ETag / Last-Modified / 304, gzip, Cache-Control.

A page is rendered once into a ``Rendered`` (body, and its gzip made at the same time) and kept
in ``PageCache`` under the URL and the negotiated format. The cache is emptied whenever Postgres
announces a write (see ``invalidation``), so what it holds is never older than the last
notification; while Postgres is down it is left alone and keeps serving what it has.
"""

import gzip
import hashlib
from collections import OrderedDict
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from relnotes.view.templating import security_headers

__all__ = ["PageCache", "Rendered", "respond"]

_COMPRESS_FROM = 512  # below this gzip's framing costs more than it saves
CACHE_CONTROL = "public, max-age=5, stale-while-revalidate=30"


class Rendered:
    """A finished representation: bytes, type, validators; its gzip is made on first demand.

    The headers of both answers (200 and 304) are built once here, not per request.
    """

    __slots__ = (
        "_gzipped",
        "body",
        "content_type",
        "etag",
        "headers",
        "last_modified",
        "status",
        "validators",
    )

    def __init__(
        self,
        body: bytes,
        content_type: str,
        last_modified: datetime | None = None,
        status: int = 200,
    ) -> None:
        self.body = body
        self.content_type = content_type
        self.last_modified = last_modified
        self.status = status
        self.etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
        # A 304 carries what a cache revalidates with (RFC 9110 §15.4.5); the stored response
        # keeps its other headers (the CSP and the rest), so they are not sent again.
        self.validators = {
            "ETag": self.etag,
            "Cache-Control": CACHE_CONTROL,
            "Vary": "Accept, Accept-Encoding",
            "Server": security_headers()["Server"],
        }
        if last_modified is not None:
            modified = format_datetime(last_modified.astimezone(UTC), usegmt=True)
            self.validators["Last-Modified"] = modified
        self.headers = {**security_headers(), **self.validators}
        self._gzipped: bytes | None = None

    @classmethod
    def text(
        cls, text: str, content_type: str, last_modified: datetime | None = None
    ) -> "Rendered":
        """``text`` encoded as UTF-8 under ``content_type``."""
        return cls(text.encode(), f"{content_type}; charset=utf-8", last_modified)

    def packed(self) -> bytes:
        """This page as bytes for another process (``unpacked`` reads them)."""
        modified = self.last_modified.isoformat() if self.last_modified is not None else ""
        return f"{self.status}\n{self.content_type}\n{modified}\n".encode() + self.body

    @classmethod
    def unpacked(cls, packed: bytes) -> "Rendered":
        """The page ``packed`` holds; ValueError if it is not one."""
        status, content_type, modified, body = packed.split(b"\n", 3)
        moment = datetime.fromisoformat(modified.decode()) if modified else None
        return cls(body, content_type.decode(), moment, int(status))

    def gzipped(self) -> bytes | None:
        """The body gzipped (kept after the first call), or None when too small to gain."""
        if self._gzipped is None and len(self.body) >= _COMPRESS_FROM:
            self._gzipped = gzip.compress(self.body, 6, mtime=0)
        return self._gzipped


class PageCache:
    """A bounded LRU of rendered pages, emptied on every change to the notes."""

    def __init__(self, max_entries: int = 1024) -> None:
        self._pages: OrderedDict[str, Rendered] = OrderedDict()
        self._max = max_entries
        self.epoch = 0  # bumped by clear(): a render that began before it is not stored
        # Pages are only kept while a listener will hear of changes: without one, a kept page
        # could go stale for good. What is kept stays servable when the listener drops.
        self.listening = False

    def get(self, key: str) -> Rendered | None:
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
        return page

    def put(self, key: str, page: Rendered, epoch: int) -> None:
        """Keep ``page`` unless the notes changed since its rendering began (``epoch``)."""
        if epoch != self.epoch or not self.listening:
            return
        self._pages[key] = page
        self._pages.move_to_end(key)
        while len(self._pages) > self._max:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        self._pages.clear()
        self.epoch += 1


def _not_modified(request: web.Request, page: Rendered) -> bool:
    tags = request.headers.get("If-None-Match")
    if tags == page.etag:  # what a client revalidating its copy sends
        return True
    if tags is not None:
        return any(tag.strip().removeprefix("W/") in (page.etag, "*") for tag in tags.split(","))
    since = request.headers.get("If-Modified-Since")
    if since and page.last_modified is not None:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return page.last_modified.replace(microsecond=0) <= moment
    return False


def respond(request: web.Request, page: Rendered) -> web.Response:
    """``page`` for ``request``: a 304 if the client has it, else the body (gzip if accepted)."""
    if page.status == 200 and _not_modified(request, page):
        return web.Response(status=304, headers=page.validators)
    headers = {**page.headers, "Content-Type": page.content_type}
    body = page.body
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        compressed = page.gzipped()
        if compressed is not None:
            headers["Content-Encoding"] = "gzip"
            body = compressed
    return web.Response(status=page.status, body=body, headers=headers)

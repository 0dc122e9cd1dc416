"""A static copy of the view: changelog, feed and every note page, for a site or a backup.

The pages come from the view itself (the same app, served on a private 127.0.0.1 port for the
duration of the export), so an exported page is byte for byte what a browser gets: one
rendering path, not a second one. Pages that browsers reach by path (``/notes``,
``/notes/ns/name``, ``/changelog``) are written as ``<path>/index.html``, which static hosts
(S3 website endpoints, nginx, ``python -m http.server``) serve at that path. Links in the
pages are root-relative, as the view serves them: publish the site at the root of its host
(or behind a path-stripping proxy), whatever the S3 prefix.
"""

import asyncio
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

from relnotes.config import Settings
from relnotes.models.errors import StoreUnavailable
from relnotes.view.app import build_app

__all__ = ["SiteFile", "publish_s3", "render_site", "write_directory"]

log = logging.getLogger(__name__)

_PAGES = {
    "notes/index.html": "/notes?limit=200",
    "index.html": "/notes?limit=200",
    "notes.md": "/notes.md?limit=200",
    "changelog/index.html": "/changelog",
    "changelog.md": "/changelog.md",
    "changelog.json": "/changelog.json",
    "feed.atom": "/feed.atom",
}
_CONCURRENCY = 8


@dataclass(frozen=True)
class SiteFile:
    """One exported file: where it goes and what it is."""

    path: str
    body: bytes
    content_type: str


async def _fetch(session: aiohttp.ClientSession, url: str) -> tuple[bytes, str]:
    async with session.get(url, headers={"Accept-Encoding": "identity"}) as response:
        body = await response.read()
        if response.status != 200:
            raise StoreUnavailable(f"export: {url} answered {response.status}: {body[:200]!r}")
        return body, response.headers.get("Content-Type", "application/octet-stream")


async def _note_refs(session: aiohttp.ClientSession) -> list[tuple[str, str]]:
    refs: list[tuple[str, str]] = []
    url: str | None = "/api/v1/notes?limit=200"
    while url is not None:
        async with session.get(url) as response:
            if response.status != 200:
                raise StoreUnavailable(f"export: {url} answered {response.status}")
            page = await response.json()
        refs += [(item["namespace"], item["name"]) for item in page["items"]]
        url = page["next"]
    return refs


async def render_site(settings: Settings) -> list[SiteFile]:
    """Every page of the view at this moment, rendered by the view itself."""
    runner = web.AppRunner(build_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    limit = asyncio.Semaphore(_CONCURRENCY)
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as session:

            async def one(path: str, url: str) -> SiteFile:
                async with limit:
                    body, content_type = await _fetch(session, url)
                return SiteFile(path, body, content_type)

            jobs = [one(path, url) for path, url in _PAGES.items()]
            for namespace, name in await _note_refs(session):
                base = f"notes/{namespace}/{name}"
                jobs += [
                    one(f"{base}/index.html", f"/{base}"),
                    one(f"{base}.md", f"/{base}.md"),
                    one(f"{base}.json", f"/{base}.json"),
                ]
            return list(await asyncio.gather(*jobs))
    finally:
        await runner.cleanup()


def write_directory(files: list[SiteFile], root: Path) -> None:
    """Write ``files`` under ``root`` (created if missing); existing files are replaced."""
    for file in files:
        target = root / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(file.body)
        temporary.replace(target)  # a reader of the site never sees half a page


def publish_s3(files: list[SiteFile], bucket: str, prefix: str) -> None:
    """Upload ``files`` to ``s3://bucket/prefix`` with boto3's default credential chain."""
    import boto3  # only the S3 export needs it

    client = boto3.client("s3")
    for file in files:
        key = f"{prefix.strip('/')}/{file.path}" if prefix.strip("/") else file.path
        content_type = file.content_type or mimetypes.guess_type(file.path)[0] or "text/plain"
        client.put_object(
            Bucket=bucket,
            Key=key,
            Body=file.body,
            ContentType=content_type,
            CacheControl="public, max-age=300",
        )
        log.debug("uploaded", extra={"key": key})

"""``relnotes export DEST``: the changelog, feed and note pages as static files.

``DEST`` is a directory (a site to serve, or a backup) or ``s3://bucket/prefix`` (the docs
bucket; boto3's default credential chain, so IRSA works in the CronJob). Needs
RELNOTES_DATABASE_URL, like the view it renders through.
"""

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relnotes.config import Settings

__all__ = ["add_parser"]

log = logging.getLogger(__name__)


def _run(args: argparse.Namespace, settings: "Settings") -> int:
    import asyncio

    from botocore.exceptions import BotoCoreError, ClientError

    from relnotes.models.errors import StoreUnavailable
    from relnotes.view.export import publish_s3, render_site, write_directory

    settings.database_conninfo("export")  # before any work: exit 2 naming the variable
    destination: str = args.destination
    try:
        files = asyncio.run(render_site(settings))
    except StoreUnavailable as error:
        log.error("export failed", extra={"error": error.message})
        return 1
    if destination.startswith("s3://"):
        bucket, _, prefix = destination.removeprefix("s3://").partition("/")
        if not bucket:
            log.error("export: s3:// needs a bucket name")
            return 2
        try:
            publish_s3(files, bucket, prefix)
        except (BotoCoreError, ClientError) as error:
            log.error("export upload failed", extra={"error": str(error)})
            return 1
    else:
        write_directory(files, Path(destination))
    log.info("exported", extra={"files": len(files), "destination": destination})
    return 0


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``export``."""
    parser = subparsers.add_parser(
        "export", help="write the changelog, feed and note pages to DIR or s3://bucket/prefix"
    )
    parser.add_argument("destination", help="a directory, or s3://bucket/prefix")
    parser.set_defaults(func=_run)

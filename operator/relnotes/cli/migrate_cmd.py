"""``relnotes migrate``: apply the packaged SQL migrations to RELNOTES_DATABASE_URL.

Run with the master credentials: migration 0003 creates the per-use roles, and with
RELNOTES_DATABASE_ROLE_PASSWORDS_DIR it also sets their passwords (see storage/roles.py).

Safe to run from several places at once (an init container per replica, a CI job): migrations
serialise on a Postgres advisory lock and each applies at most once.
"""

import argparse
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings are built by main(); --help needs no pydantic
    from relnotes.config import Settings

__all__ = ["add_parser"]

log = logging.getLogger(__name__)


def _run(args: argparse.Namespace, settings: "Settings") -> int:
    conninfo = settings.database_conninfo("migrate")
    import asyncio

    from relnotes.models.errors import InvalidRequest, StoreUnavailable
    from relnotes.storage.migrations import apply_migrations

    try:
        applied = asyncio.run(
            apply_migrations(
                conninfo,
                password_file=settings.database_password_file,
                role_passwords_dir=settings.database_role_passwords_dir,
                connect_timeout_s=args.timeout,
            )
        )
    except InvalidRequest as error:
        log.error("migration refused", extra={"error": error.message})
        return 2
    except StoreUnavailable as error:
        log.error("migration failed", extra={"error": error.message})
        return 1
    log.info("migrations up to date", extra={"applied": applied})
    return 0


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``migrate``."""
    parser = subparsers.add_parser("migrate", help="apply SQL migrations to RELNOTES_DATABASE_URL")
    parser.add_argument(
        "--timeout", type=int, default=10, help="seconds to wait for Postgres to accept (10)"
    )
    parser.set_defaults(func=_run)

"""Versioned SQL migrations, applied in order, once, under an advisory lock.

Files are ``storage/migrations/NNNN_name.sql`` shipped as package data. Two replicas (or a
replica and ``relnotes migrate``) starting together serialise on a Postgres advisory lock, and
each file runs in its own transaction with its ``schema_migrations`` row, so a failed migration
leaves nothing half-applied.
"""

import logging
import re
from dataclasses import dataclass
from importlib import resources

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import TupleRow

from relnotes.storage.database import store_errors

__all__ = ["Migration", "apply_migrations", "available_migrations", "migrate"]

log = logging.getLogger(__name__)

# Any constant shared by every relnotes process; "relnotes" as 8 bytes, as a bigint.
_LOCK_ID = int.from_bytes(b"relnotes", "big") & 0x7FFF_FFFF_FFFF_FFFF
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One SQL file: its version (the 4-digit prefix), file name and statements."""

    version: str
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """The packaged migrations, ordered by version."""
    folder = resources.files("relnotes.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(match.group(1), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


async def migrate(conn: AsyncConnection[TupleRow]) -> list[str]:
    """Apply the migrations ``conn``'s database lacks; returns the versions applied now."""
    applied_now: list[str] = []
    async with store_errors("migrate"):
        await conn.set_autocommit(True)
        await conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            cursor = await conn.execute("SELECT version FROM schema_migrations")
            done = {row[0] for row in await cursor.fetchall()}
            for migration in available_migrations():
                if migration.version in done:
                    continue
                async with conn.transaction():
                    await conn.execute(migration.sql.encode())  # file text, not a literal
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                        (migration.version, migration.name),
                    )
                log.info("migration applied", extra={"migration": migration.name})
                applied_now.append(migration.version)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
    return applied_now


async def apply_migrations(conninfo: str, *, connect_timeout_s: int = 10) -> list[str]:
    """Connect, migrate, disconnect: what ``relnotes migrate`` and a migrating start run."""
    async with store_errors("connect"):
        conn = await psycopg.AsyncConnection.connect(
            conninfo, autocommit=True, connect_timeout=connect_timeout_s
        )
    async with conn:
        return await migrate(conn)

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
from pathlib import Path

import psycopg
from psycopg import AsyncConnection
from psycopg.conninfo import make_conninfo
from psycopg.rows import TupleRow

from relnotes.storage.database import read_password, store_errors
from relnotes.storage.roles import set_role_passwords

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


async def apply_migrations(
    conninfo: str,
    *,
    password_file: Path | None = None,
    role_passwords_dir: Path | None = None,
    connect_timeout_s: int = 10,
) -> list[str]:
    """Connect, migrate, set the roles' passwords (when given), disconnect: what
    ``relnotes migrate`` and a migrating start run. Returns the versions applied now."""
    async with store_errors("connect"):
        if password_file is not None:
            conninfo = make_conninfo(conninfo, password=read_password(password_file))
        conn = await psycopg.AsyncConnection.connect(
            conninfo, autocommit=True, connect_timeout=connect_timeout_s
        )
    async with conn:
        applied = await migrate(conn)
        if role_passwords_dir is not None:
            await set_role_passwords(conn, role_passwords_dir)
        return applied

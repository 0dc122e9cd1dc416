"""Passwords of relnotes' database roles, set by ``relnotes migrate`` with the master credentials.

Migration 0003 creates ``relnotes_operator`` (read/write) and ``relnotes_view`` (read-only)
without LOGIN; this module gives each role LOGIN and the password in its file. The password is
sent as a SCRAM-SHA-256 verifier computed here (what ``psql``'s ``\\password`` does), so the
plain text never reaches the server, its logs or ``pg_stat_activity``. Run on every migrate, it
is also how a role's password is rotated: change the Secret, run migrate (the ArgoCD hook).
"""

import base64
import hashlib
import hmac
import logging
import secrets
from pathlib import Path

from psycopg import AsyncConnection, sql
from psycopg.rows import TupleRow

from relnotes.models.errors import InvalidRequest
from relnotes.storage.database import read_password, store_errors

__all__ = ["ROLES", "scram_verifier", "set_role_passwords"]

log = logging.getLogger(__name__)

ROLES = ("relnotes_operator", "relnotes_view")
_ITERATIONS = 4096  # Postgres' default scram_iterations


def scram_verifier(password: str, *, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier Postgres stores for ``password`` (RFC 5802 / 7677)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, _ITERATIONS)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


async def set_role_passwords(conn: AsyncConnection[TupleRow], directory: Path) -> list[str]:
    """LOGIN and the password of every role with a file in ``directory``; the roles set.

    Every file is read and checked before any role changes, so an empty one (a Secret created
    without its value) changes nothing rather than half the roles.
    """
    async with store_errors("set role passwords"):
        passwords = {
            role: read_password(directory / role) for role in ROLES if (directory / role).is_file()
        }
        empty = [role for role, password in passwords.items() if not password]
        if empty:
            raise InvalidRequest(
                f"RELNOTES_DATABASE_ROLE_PASSWORDS_DIR: {directory / empty[0]} is empty"
            )
        for role, password in passwords.items():
            statement = sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(scram_verifier(password))
            )
            await conn.execute(statement)
            log.info("role password set", extra={"role": role})
    return list(passwords)

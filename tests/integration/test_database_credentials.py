"""Database roles per use, and passwords read from files, against a Postgres that checks them.

This test's own Postgres requires SCRAM passwords from every role but ``postgres`` (the master
here), as RDS does. ``relnotes migrate`` runs as the master with the roles' password files, as the
migrate Job does; the view and the operator's store then connect as their own roles with a
password file (``RELNOTES_DATABASE_PASSWORD_FILE``), and a rotated password is picked up on
reconnect by the running ``relnotes view`` process, without a restart.
"""

import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from servers import PostgresServer, free_port, running_postgres
from tests.notes import sample_note
from tests.tools import RELNOTES

from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.database import build_pool
from relnotes.storage.note_store import NoteRef, NoteStore


@pytest.fixture(scope="module")
def scram_postgres() -> Iterator[PostgresServer]:
    """A Postgres of this module's own: trust for postgres, scram-sha-256 for everyone else."""
    with running_postgres() as server:
        (server.root / "data" / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all postgres 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n",
            encoding="utf-8",
        )
        with psycopg.connect(server.dsn(), autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")
        yield server


def write_secret(path: Path, value: str) -> None:
    """Replace a file atomically, as the kubelet updates a mounted Secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(value + "\n", encoding="utf-8")
    staging.replace(path)


def migrate(master_dsn: str, roles_dir: Path) -> subprocess.CompletedProcess[str]:
    """``relnotes migrate`` as the migrate Job runs it: master URL, roles' password files."""
    env = {
        **os.environ,
        "RELNOTES_DATABASE_URL": master_dsn,
        "RELNOTES_DATABASE_ROLE_PASSWORDS_DIR": str(roles_dir),
        "RELNOTES_LOG_FORMAT": "json",
    }
    return subprocess.run(
        [RELNOTES, "migrate"], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def role_url(server: PostgresServer, role: str, database: str) -> str:
    """A URL with the role's name and no password: the password comes from the file."""
    return f"postgresql://{role}@127.0.0.1:{server.port}/{database}"


@pytest.fixture
def migrated(scram_postgres: PostgresServer, tmp_path: Path) -> tuple[str, Path]:
    """A fresh database, migrated with both roles' passwords set; (database, roles dir)."""
    database = f"t_{uuid.uuid4().hex[:12]}"
    scram_postgres.create_database(database)
    roles = tmp_path / "roles"
    write_secret(roles / "relnotes_operator", "operator-" + uuid.uuid4().hex)
    write_secret(roles / "relnotes_view", "view-" + uuid.uuid4().hex)
    result = migrate(scram_postgres.dsn(database), roles)
    assert result.returncode == 0, result.stderr
    return database, roles


def _password(roles: Path, role: str) -> str:
    return (roles / role).read_text(encoding="utf-8").strip()


def test_roles_get_exactly_their_privileges(
    scram_postgres: PostgresServer, migrated: tuple[str, Path]
) -> None:
    """view reads only; operator reads and writes notes but not the migrations table."""
    database, roles = migrated
    view = role_url(scram_postgres, "relnotes_view", database)
    operator = role_url(scram_postgres, "relnotes_operator", database)
    with psycopg.connect(view, password=_password(roles, "relnotes_view"), autocommit=True) as c:
        c.execute("SELECT count(*) FROM release_notes")
        for statement in (
            "INSERT INTO release_notes (uid, generation, namespace, name, spec, phase)"
            " VALUES ('u', 1, 'n', 'x', '{}', 'Ready')",
            "UPDATE release_notes SET name = 'y'",
            "CREATE TABLE stolen (x int)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute(statement)
    with psycopg.connect(
        operator, password=_password(roles, "relnotes_operator"), autocommit=True
    ) as c:
        c.execute("SELECT count(*) FROM release_notes")
        for statement in (
            "DELETE FROM release_notes",
            "INSERT INTO schema_migrations (version, name) VALUES ('9999', 'x')",
            "DROP TABLE release_notes",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute(statement)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(view, password="not-the-password").close()


def test_only_a_verifier_reaches_the_server(
    scram_postgres: PostgresServer, migrated: tuple[str, Path]
) -> None:
    """migrate sends SCRAM verifiers: the plain password is nowhere in pg_authid."""
    _, roles = migrated
    with psycopg.connect(scram_postgres.dsn(), autocommit=True) as conn:
        stored: dict[str, str] = dict(
            conn.execute(
                "SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE 'relnotes_%'"
            ).fetchall()
        )
    for role in ("relnotes_operator", "relnotes_view"):
        assert stored[role].startswith("SCRAM-SHA-256$4096:")
        assert _password(roles, role) not in stored[role]


async def test_the_operator_role_can_do_what_the_store_does(
    scram_postgres: PostgresServer, migrated: tuple[str, Path]
) -> None:
    """The note store's writes (upsert, mark deleted) succeed as relnotes_operator."""
    database, roles = migrated
    pool = build_pool(
        role_url(scram_postgres, "relnotes_operator", database),
        password_file=roles / "relnotes_operator",
    )
    await pool.open(wait=True, timeout=10)
    try:
        store = NoteStore(pool)
        spec = ReleaseNoteSpec.model_validate({"changeSummary": "Bump Redis", "component": "redis"})
        ref = NoteRef("uid-1", 1, "ns", "cache")
        await store.begin(ref, spec, "rn1:k")
        await store.record(ref, spec, sample_note(), cache_key="rn1:k", hit=False)
        assert await store.mark_deleted("uid-1") == 1
    finally:
        await pool.close()


def _ready(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def _wait_for(port: int, status: int, process: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while _ready(port) != status:
        assert process.poll() is None, "the view exited"
        assert time.monotonic() < deadline, f"/readyz never answered {status}"
        time.sleep(0.3)


def test_a_rotated_password_is_used_on_reconnect_without_a_restart(
    scram_postgres: PostgresServer, migrated: tuple[str, Path], tmp_path: Path
) -> None:
    """Rotate relnotes_view's password (migrate), kill its sessions: the running view fails
    with the old file, then serves again once the file holds the new password."""
    database, roles = migrated
    password_file = tmp_path / "mounted" / "password"
    write_secret(password_file, _password(roles, "relnotes_view"))
    port = free_port()
    env = {
        **os.environ,
        "RELNOTES_DATABASE_URL": role_url(scram_postgres, "relnotes_view", database),
        "RELNOTES_DATABASE_PASSWORD_FILE": str(password_file),
        "RELNOTES_LOG_FORMAT": "json",
    }
    view = subprocess.Popen(
        [RELNOTES, "view", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        _wait_for(port, 200, view, 30)
        new_password = "view-rotated-" + uuid.uuid4().hex
        write_secret(roles / "relnotes_view", new_password)
        result = migrate(scram_postgres.dsn(database), roles)
        assert result.returncode == 0, result.stderr
        with psycopg.connect(scram_postgres.dsn(database), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE usename = 'relnotes_view'"
            )
        # The file still holds the old password: reconnecting fails, the view says so.
        _wait_for(port, 503, view, 15)
        time.sleep(2)
        assert _ready(port) == 503
        write_secret(password_file, new_password)
        _wait_for(port, 200, view, 30)
        assert view.poll() is None, "the view restarted"
    finally:
        view.terminate()
        view.wait(timeout=15)


def test_a_missing_password_file_is_a_clear_store_failure(
    scram_postgres: PostgresServer, tmp_path: Path
) -> None:
    """migrate exits 1 (retry may help: the Secret may not be mounted yet), naming the file."""
    missing = tmp_path / "absent" / "password"
    env = {
        **os.environ,
        "RELNOTES_DATABASE_URL": role_url(scram_postgres, "relnotes_view", "postgres"),
        "RELNOTES_DATABASE_PASSWORD_FILE": str(missing),
        "RELNOTES_LOG_FORMAT": "json",
    }
    result = subprocess.run(
        [RELNOTES, "migrate"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert f"RELNOTES_DATABASE_PASSWORD_FILE {missing}" in result.stderr


def test_an_empty_role_password_is_refused(
    scram_postgres: PostgresServer, migrated: tuple[str, Path]
) -> None:
    """An empty file (a Secret created without its value) never becomes an empty password, and
    no other role's password changes either."""
    database, roles = migrated
    operator_password = _password(roles, "relnotes_operator")
    write_secret(roles / "relnotes_operator", "operator-not-applied")
    write_secret(roles / "relnotes_view", "")
    result = migrate(scram_postgres.dsn(database), roles)
    assert result.returncode == 2
    assert "RELNOTES_DATABASE_ROLE_PASSWORDS_DIR" in result.stderr
    assert "relnotes_view is empty" in result.stderr
    url = role_url(scram_postgres, "relnotes_operator", database)
    psycopg.connect(url, password=operator_password).close()

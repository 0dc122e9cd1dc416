"""Each command imports only what it uses: the installed console script, with Python's own
import report (``PYTHONPROFILEIMPORTTIME``) read back as the list of modules it loaded."""

import os
import subprocess
from pathlib import Path

from tests.tools import RELNOTES

SAMPLE = str(Path(__file__).resolve().parents[3] / "samples" / "rds-instance-class.yaml")
HEAVY = {
    "openai", "kopf", "aiohttp", "psycopg", "psycopg_pool", "redis", "jsonschema", "kubernetes",
    "pykube", "prometheus_client", "uvloop", "httpx",
}  # fmt: skip


def imported(*argv: str) -> tuple[set[str], str]:
    """The top-level packages the console script imported running ``argv``, and its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELNOTES_", "OPENAI_"))}
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    done = subprocess.run([RELNOTES, *argv], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "relnotes" in names  # the report was read
    return names, done.stdout


def test_an_offline_render_loads_no_network_or_cluster_library() -> None:
    names, out = imported("render", SAMPLE)
    assert "db.t3.small" in out
    assert names & HEAVY == set()
    assert names & {"pydantic_settings", "dotenv"} == set()  # settings are read by relnotes.config


def test_help_loads_not_even_pydantic() -> None:
    names, out = imported("--help")
    assert "render" in out
    assert names & (HEAVY | {"pydantic", "pydantic_settings", "yaml"}) == set()

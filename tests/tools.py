"""Finding the tools and servers tests need, and what a missing one means.

On a developer's machine a missing tool skips its tests with the reason; under CI (``CI`` set to
anything but an explicit no) it fails them, so a green CI run means the checks really ran.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

__all__ = ["RELNOTES", "REPO", "find_checkov", "find_tool", "in_ci", "kustomize", "missing_tool"]

REPO = Path(__file__).resolve().parent.parent
# The installed ``relnotes`` console script (the door users and the image use), beside the
# interpreter running the tests: never ``python -m`` or a parser built by a test.
RELNOTES = str(Path(sys.executable).parent / "relnotes")


def in_ci() -> bool:
    """True when running under CI, where a missing tool is a failure."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_tool(reason: str) -> NoReturn:
    """Skip on a laptop, fail in CI: CI must not pass by skipping."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def find_tool(name: str, env_var: str, candidates: list[Path]) -> Path | None:
    """The tool named by ``env_var`` (None if it is not there: no silent fallback), else the
    first existing candidate path, else PATH."""
    configured = os.environ.get(env_var)
    if configured:
        path = Path(configured)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def find_checkov() -> Path | None:
    """checkov from CHECKOV, the project's .tools/checkov venv (``make``), or PATH."""
    return find_tool("checkov", "CHECKOV", [REPO / ".tools" / "checkov" / "bin" / "checkov"])


def kustomize(directory: Path | str, kubectl: Path | str = "kubectl") -> str:
    """``kubectl kustomize DIRECTORY``, offline; a failure fails the test with kustomize's words."""
    result = subprocess.run(
        [str(kubectl), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"kubectl kustomize {directory} failed:\n{result.stderr}")
    return result.stdout

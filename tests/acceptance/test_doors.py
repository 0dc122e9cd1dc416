"""Every command the product ships is a real subcommand of the installed ``relnotes`` script.

The doors: each relnotes container's ``command``/``args`` in both rendered overlays, the
Dockerfile's ``ENTRYPOINT``/``CMD`` and its build-time smoke check, the Makefile's recipes and the
READMEs' commands. Each is run through the installed console script with ``--help`` appended,
as a process: a command the CLI does not register exits 2 there, as it would crash-loop a pod.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from tests.tools import RELNOTES, REPO, kustomize, missing_tool

from relnotes.cli.main import build_parser

OVERLAYS = sorted(p.parent for p in (REPO / "manifests" / "overlays").glob("*/kustomization.yaml"))
STORE_IMAGES = ("redis:", "postgres:")
DOCS = [REPO / "README.md", *sorted((REPO / "manifests").rglob("README.md")), REPO / "Makefile"]
INVOCATION = re.compile(
    r"(?:\$\(BIN\)/|\.venv/bin/|^|\s|`)relnotes ((?:[a-z][a-z-]*)(?: [^`\n|#;&]*)?)"
)


def _pod_specs(node: Any) -> Iterator[dict[str, Any]]:
    """Every pod spec in a manifest (Deployment, Job, CronJob, ...), wherever it nests."""
    if isinstance(node, dict):
        if isinstance(node.get("containers"), list):
            yield node
        for value in node.values():
            yield from _pod_specs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _pod_specs(value)


def manifest_doors(overlay: str) -> list[list[str]]:
    if shutil.which("kubectl") is None:
        missing_tool("rendering the overlays needs kubectl")
    rendered = kustomize(overlay)
    doors = []
    for document in yaml.safe_load_all(rendered):
        for pod in _pod_specs(document or {}):
            for container in pod["containers"] + pod.get("initContainers", []):
                if container["image"].startswith(STORE_IMAGES):
                    continue  # the kind overlay's Redis and Postgres
                argv = [*(container.get("command") or ["relnotes"]), *container.get("args", [])]
                assert argv[0] == "relnotes", f"{container['name']} runs {argv[0]}, not relnotes"
                doors.append(argv[1:])
    assert doors, f"{overlay} runs no relnotes container"
    return doors


def dockerfile_doors() -> list[list[str]]:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))  # type: ignore[union-attr]
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))  # type: ignore[union-attr]
    assert entrypoint == ["relnotes"]
    return [cmd]


def doc_doors() -> list[tuple[str, list[str]]]:
    found = []
    for path in DOCS:
        for match in INVOCATION.finditer(path.read_text(encoding="utf-8")):
            words = match.group(1).split()
            if words[0] in {
                "operator",
                "model-service",
                "view",
                "migrate",
                "render",
            } or "bin/" in match.group(0):
                found.append(
                    (f"{path.relative_to(REPO)}: relnotes {match.group(1).strip()}", words)
                )
    return found


def subcommands() -> set[str]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def opens(argv: list[str]) -> None:
    """``relnotes ARGV --help`` through the installed console script exits 0 with its usage."""
    result = subprocess.run(
        [RELNOTES, *argv, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"relnotes {' '.join(argv)}: {result.stderr.strip()}"
    assert result.stdout.startswith(f"usage: relnotes {argv[0]}")


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_every_container_command_of_the_overlay_is_a_subcommand(overlay: Any) -> None:
    for argv in manifest_doors(str(overlay)):
        opens(argv)


def test_the_image_runs_a_subcommand_and_its_smoke_check_opens_every_one() -> None:
    for argv in dockerfile_doors():
        opens(argv)
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    smoke = re.search(r"for command in ([a-z -]+); do", text)
    assert smoke, "the Dockerfile's build-time smoke check is gone"
    assert set(smoke.group(1).split()) == subcommands()


def test_the_readmes_and_the_makefile_name_only_real_subcommands() -> None:
    doors = doc_doors()
    assert {argv[0] for _, argv in doors} >= {"render", "operator", "migrate"}
    for where, argv in doors:
        try:
            opens(argv)
        except AssertionError as error:
            raise AssertionError(where) from error


def test_no_test_builds_its_own_cli_or_goes_around_the_console_script() -> None:
    """Tests parse with the real ``build_parser``, never a hand-built copy of it, and start
    processes through the installed ``relnotes`` script, never ``python -m``."""
    around = ('"-m", "relnotes', "'-m', 'relnotes")
    offenders = [
        str(path.relative_to(REPO))
        for path in [*(REPO / "tests").rglob("*.py"), *(REPO / "bench").rglob("*.py")]
        if path.name != "test_doors.py"
        and (
            "add_parser(" in (text := path.read_text(encoding="utf-8"))
            or any(form in text for form in around)
        )
    ]
    assert not offenders

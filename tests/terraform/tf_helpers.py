"""Helpers shared by the Terraform tests: paths, tool lookup, a typed terraform runner.

Kept out of conftest.py so test modules can import them by name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.aws_overlay import ENV_FILE, read_env
from tests.tools import REPO, find_tool

REPO_ROOT = REPO
TERRAFORM_DIR = REPO_ROOT / "terraform"
STACK = TERRAFORM_DIR / "modules" / "stack"
ROOTS: tuple[str, ...] = ("envs/dev", "envs/prod", "bootstrap")
# Root of `terraform test` (terraform/tests/*.tftest.hcl).
TEST_ROOT = "tests"
DEFAULT_PLUGIN_MIRROR = Path("/opt/tf-plugins")
INIT_TIMEOUT_S = 180
# Outputs of envs/<env> that the manifests' aws overlay (scripts/aws-params.sh) reads.
OVERLAY_OUTPUTS = frozenset(read_env(ENV_FILE))


@dataclass(frozen=True)
class Terraform:
    """A terraform binary plus the environment its subprocesses run with."""

    binary: str
    env: Mapping[str, str]

    def run(
        self,
        args: Sequence[str],
        cwd: Path,
        timeout: float,
        check: bool = True,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``terraform <args>`` with a hard timeout; show output on failure."""
        proc = subprocess.run(
            [self.binary, *args],
            cwd=cwd,
            env=dict(self.env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            pytest.fail(
                f"terraform {' '.join(args)} failed in {cwd} (rc={proc.returncode})\n"
                f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
            )
        return proc


def find_terraform() -> Path | None:
    """Locate terraform: env TERRAFORM, then /usr/local/bin (where CI has it), then PATH."""
    return find_tool("terraform", "TERRAFORM", [Path("/usr/local/bin/terraform")])


def cli_config_text(mirror: Path | None) -> str:
    """CLI config that installs hashicorp/* from the mirror (no network)."""
    if mirror is None:
        return ""
    return (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "}\n"
    )


def settings_attributes() -> set[str]:
    """Top-level attribute names of modules/stack's ``settings`` object type.

    The file is fmt-clean, so they are the 4-space-indented ``name =`` lines
    after the variable's opening line (nested objects are indented deeper).
    """
    text = (STACK / "variables.tf").read_text(encoding="utf-8")
    body = text[text.index('variable "settings"') :]
    return set(re.findall(r"^    ([a-z0-9_]+)\s*=", body, re.MULTILINE))


def copy_terraform_tree(dest: Path) -> Path:
    """Copy terraform/ without local state or .terraform dirs; return the copy.

    The committed lock files come along, so every init verifies the provider
    against them.
    """
    target = dest / "terraform"
    shutil.copytree(
        TERRAFORM_DIR,
        target,
        ignore=shutil.ignore_patterns(".terraform", "*.tfstate", "*.tfstate.*", "backend.hcl"),
    )
    return target

"""Helpers shared by the Terraform tests: paths, tool lookup, a typed terraform runner.

Kept out of conftest.py so test modules can import them by name.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = REPO_ROOT / "terraform"
STACK = TERRAFORM_DIR / "modules" / "stack"
ROOTS: tuple[str, ...] = ("envs/dev", "envs/prod", "bootstrap")
DEFAULT_PLUGIN_MIRROR = Path("/opt/tf-plugins")
INIT_TIMEOUT_S = 180
# Outputs of envs/<env> that the manifests' aws overlay (scripts/aws-params.sh) reads.
OVERLAY_OUTPUTS = frozenset(
    {
        "cluster_name",
        "region",
        "ecr_repository_url",
        "operator_role_arn",
        "model_service_role_arn",
        "view_role_arn",
        "alb_controller_role_arn",
        "external_secrets_role_arn",
        "rds_endpoint",
        "rds_port",
        "rds_database_name",
        "rds_master_secret_arn",
        "redis_primary_endpoint",
        "redis_port",
        "redis_auth_secret_arn",
        "openai_secret_arn",
        "acm_certificate_arn",
        "view_hostname",
        "docs_bucket_name",
    }
)


def in_ci() -> bool:
    """True when running under CI, where a missing tool is a failure."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_tool(reason: str) -> NoReturn:
    """Skip on a laptop, fail in CI: CI must not pass by skipping."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


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


def find_terraform() -> str | None:
    """Locate terraform: env TERRAFORM, then PATH, then /usr/local/bin."""
    explicit = os.environ.get("TERRAFORM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    found = shutil.which("terraform")
    if found:
        return found
    fallback = Path("/usr/local/bin/terraform")
    return str(fallback) if fallback.is_file() else None


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
    """Copy terraform/ without local state or .terraform dirs; return the copy."""
    target = dest / "terraform"
    shutil.copytree(
        TERRAFORM_DIR,
        target,
        ignore=shutil.ignore_patterns(
            ".terraform", "*.tfstate", "*.tfstate.*", ".terraform.lock.hcl", "backend.hcl"
        ),
    )
    return target

"""Shared fixtures for the Terraform tests (``pytest tests/terraform``).

The tests never touch a real AWS account and never write into the
repository: every Terraform run happens in a throw-away copy of
``terraform/`` with its own CLI config file (provider from the local
filesystem mirror), passed to the subprocess only.

Missing tools (terraform, checkov, moto) skip the tests with a reason on a
developer laptop, but fail them when ``CI`` is set, so that CI can never go
green by silently skipping the infrastructure checks.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.tools import in_ci, missing_tool

from .moto_stack import MotoServer, moto_command, start_moto
from .tf_helpers import (
    DEFAULT_PLUGIN_MIRROR,
    INIT_TIMEOUT_S,
    ROOTS,
    Terraform,
    cli_config_text,
    copy_terraform_tree,
    find_terraform,
)

MARKER = "terraform: Terraform fmt/validate/checkov and the moto-backed apply of terraform/"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here because pyproject.toml is owned elsewhere."""
    config.addinivalue_line("markers", MARKER)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder, so ``-m "not terraform"`` can skip them."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.terraform)


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """The terraform CLI, configured to use the provider mirror only.

    The mirror defaults to /opt/tf-plugins (override with TF_PLUGIN_MIRROR).
    Without a mirror on a laptop, terraform falls back to the registry.
    """
    binary = find_terraform()
    if binary is None:
        missing_tool("terraform CLI not found (set TERRAFORM or put it on PATH)")
    mirror_env = os.environ.get("TF_PLUGIN_MIRROR")
    mirror: Path | None = Path(mirror_env) if mirror_env else DEFAULT_PLUGIN_MIRROR
    if mirror is not None and not mirror.is_dir():
        if in_ci():
            pytest.fail(f"provider mirror {mirror} not found (set TF_PLUGIN_MIRROR)")
        mirror = None
    config_dir = tmp_path_factory.mktemp("tfcli")
    config_file = config_dir / "terraform.rc"
    config_file.write_text(cli_config_text(mirror), encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "TF_")) or key == "AWS_CA_BUNDLE"
    }
    env.update(
        {
            "TF_CLI_CONFIG_FILE": str(config_file),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            # Nothing in the tests may reach real AWS, even by accident.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return Terraform(binary=str(binary), env=env)


@pytest.fixture(scope="session")
def initialized_roots(
    terraform: Terraform, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Each root initialised once per session (``init -backend=false``).

    Done in a private copy so the checkout never gets .terraform dirs written
    by tests; the committed lock files are verified by each init.
    """
    tree = copy_terraform_tree(tmp_path_factory.mktemp("tf-validate"))
    roots: dict[str, Path] = {}
    for root in ROOTS:
        path = tree / root
        terraform.run(["init", "-backend=false", "-input=false", "-no-color"], path, INIT_TIMEOUT_S)
        roots[root] = path
    return roots


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A private moto server per test module, always stopped at its end."""
    command = moto_command()
    if command is None:
        missing_tool("moto server not found (pip install 'moto[server]' or set MOTO_SERVER)")
    server = start_moto(command, tmp_path_factory.mktemp("moto"))
    try:
        yield server
    finally:
        server.stop()

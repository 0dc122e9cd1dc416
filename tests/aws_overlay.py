"""The manifests' aws overlay parameters (Terraform outputs), as one reader for every test tier.

``manifests/overlays/aws/terraform-outputs.env`` is the contract between the Terraform env roots
(their outputs) and the overlay (its replacements); scripts/aws-params.sh writes it.
"""

from pathlib import Path

from tests.tools import REPO

__all__ = ["ENV_FILE", "read_env"]

ENV_FILE = REPO / "manifests" / "overlays" / "aws" / "terraform-outputs.env"


def read_env(path: Path = ENV_FILE) -> dict[str, str]:
    """A ``KEY=value`` file (comments and blank lines skipped) as a dict, in file order."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"not KEY=value: {line!r}"
            values[key] = value
    return values

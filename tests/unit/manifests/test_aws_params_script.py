"""scripts/aws-params.sh: Terraform outputs -> manifests/overlays/aws/terraform-outputs.env.

Run on a saved ``terraform output -json`` (TF_OUTPUT_JSON), so no terraform, state or AWS
access is needed: the committed example file must round-trip, and the script must refuse to
write a sensitive or missing output rather than commit a secret or a half-filled file.
"""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.aws_overlay import ENV_FILE, read_env

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "aws-params.sh"


def _terraform_json(values: dict[str, str]) -> dict[str, Any]:
    """What `terraform output -json` prints: ports are numbers, everything else strings."""
    return {
        key: {
            "sensitive": False,
            "type": "number" if value.isdigit() else "string",
            "value": int(value) if value.isdigit() else value,
        }
        for key, value in values.items()
    }


def _run(tmp_path: Path, outputs: dict[str, Any]) -> tuple[subprocess.CompletedProcess[str], Path]:
    source = tmp_path / "outputs.json"
    source.write_text(json.dumps(outputs), encoding="utf-8")
    target = tmp_path / "terraform-outputs.env"
    result = subprocess.run(
        ["bash", str(SCRIPT), "dev", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "TF_OUTPUT_JSON": str(source)},
    )
    return result, target


def test_committed_example_round_trips(tmp_path: Path) -> None:
    """Regenerating from the same outputs gives the same KEY=value lines, in the same order."""
    result, target = _run(tmp_path, _terraform_json(read_env(ENV_FILE)))
    assert result.returncode == 0, result.stderr
    assert list(read_env(target).items()) == list(read_env(ENV_FILE).items())


@pytest.mark.parametrize("problem", ["sensitive", "missing"])
def test_refuses_sensitive_or_missing_outputs(tmp_path: Path, problem: str) -> None:
    """A secret must never reach the committed file, and a partial file must never replace it."""
    outputs = _terraform_json(read_env(ENV_FILE))
    if problem == "sensitive":
        outputs["rds_endpoint"]["sensitive"] = True
    else:
        del outputs["view_hostname"]
    result, target = _run(tmp_path, outputs)
    assert result.returncode != 0
    assert not target.exists()
    assert ("sensitive" if problem == "sensitive" else "missing output") in result.stderr

"""The README shows exactly what `make demo` prints."""

from pathlib import Path

import pytest

from relnotes.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def test_the_readme_shows_the_real_demo_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(REPO / "samples" / "rds-instance-class.yaml")]) == 0
    printed = capsys.readouterr().out.rstrip("\n")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"```markdown\n{printed}\n```" in readme
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "SAMPLE ?= samples/rds-instance-class.yaml" in makefile

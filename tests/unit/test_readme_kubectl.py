"""The README's `kubectl get releasenotes` examples have the columns the CRD really prints."""

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def printer_columns(wide: bool) -> list[str]:
    crd = yaml.safe_load((REPO / "crds" / "releasenotes.relnotes.io.yaml").read_text())
    columns = crd["spec"]["versions"][0]["additionalPrinterColumns"]
    return [c["name"].upper() for c in columns if wide or not c.get("priority")]


def readme_header(command: str) -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(command) + r"\n```\n\n```text\n(.+)\n", readme)
    assert match, f"README lacks the output of `{command}`"
    return match.group(1).split()


def test_the_default_columns() -> None:
    expected = ["NAMESPACE", "NAME", *printer_columns(wide=False)]
    assert readme_header("kubectl get releasenotes -A") == expected


def test_the_wide_columns() -> None:
    expected = ["NAME", *printer_columns(wide=True)]
    assert readme_header("kubectl get rn -n platform -o wide") == expected

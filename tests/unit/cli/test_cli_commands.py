"""The `relnotes` command: `render` as a newcomer sees it, exit codes and settings errors."""

import json
from pathlib import Path

import pytest

from relnotes.cli.main import main

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "note.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_sample_renders_as_markdown_offline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(SAMPLES / "rds-instance-class.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## platform/rds-instance-class\n")
    assert "db.t3.micro" in out
    assert "db.t3.small" in out
    assert "### Test scenarios" in out
    assert "deterministic · relnotes-deterministic" in out


def test_every_sample_renders_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in SAMPLES.glob("*.yaml"))
    assert main(["render", "--output", "json", *files]) == 0
    documents = json.loads(capsys.readouterr().out)
    assert len(documents) == 5
    for document in documents:
        assert document["provenance"]["provider"] == "deterministic"
        assert len(document["result"]["testScenarios"]) == document["spec"]["testScenarios"]
        assert document["cacheKey"].startswith("rn1:")


def test_the_same_input_renders_byte_identically(capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(SAMPLES / "weekly-release.yaml")
    main(["render", sample])
    first = capsys.readouterr().out
    main(["render", sample])
    assert capsys.readouterr().out == first


def test_invalid_manifests_exit_2_naming_file_field_and_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "apiVersion: relnotes.io/v1alpha1\nkind: ReleaseNote\nmetadata: {name: a}\n"
        "spec: {changeSummary: abc, testScenarios: 7}\n",
    )
    assert main(["render", path]) == 2
    err = capsys.readouterr().err
    assert f"{path}: document 1: spec.changeSummary: Value error, changeSummary must hold" in err
    assert "at least 5 characters besides whitespace" in err
    assert "spec.testScenarios: Input should be less than or equal to 3 (le=3)" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [unclosed", "not valid YAML"),
        ("# nothing here\n", "no ReleaseNote documents"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "apiVersion: Input should be"),
    ],
)
def test_other_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert main(["render", write(tmp_path, text)]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "/nonexistent/releasenote.yaml"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_an_unreachable_model_service_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RELNOTES_MODEL_SERVICE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RELNOTES_UPSTREAM_MAX_RETRIES", "0")
    assert main(["render", str(SAMPLES / "eks-upgrade.yaml")]) == 1
    err = capsys.readouterr().err
    assert "generation failed: platform/eks-1-30-upgrade: model-service: cannot connect" in err
    assert "Traceback" not in err


def test_an_unknown_model_without_a_key_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "apiVersion: relnotes.io/v1alpha1\nkind: ReleaseNote\nmetadata: {name: a}\n"
        "spec: {changeSummary: Rotated the KMS key, model: gpt-4o}\n",
    )
    assert main(["render", path]) == 1
    assert "model: 'gpt-4o' is not served here" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "needed_by"),
    [(["view"], "the view"), (["migrate"], "migrate"), (["export", "site"], "export")],
)
def test_a_command_without_a_database_exits_2_naming_the_variable(
    argv: list[str], needed_by: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert f"relnotes {argv[0]}: RELNOTES_DATABASE_URL: required by {needed_by}" in error


def test_bad_settings_exit_2_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RELNOTES_FALLBACK", "sometimes")
    assert main(["render", str(SAMPLES / "eks-upgrade.yaml")]) == 2
    assert "fallback: Input should be 'none' or 'deterministic'" in capsys.readouterr().err

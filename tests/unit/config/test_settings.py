"""Settings from the environment: keys from files, model defaults, clear errors."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from relnotes.config import DETERMINISTIC_MODEL, Settings


def test_nothing_configured_means_offline() -> None:
    settings = Settings()
    assert not settings.has_upstream()
    assert settings.default_model() == DETERMINISTIC_MODEL


def test_a_mounted_key_file_enables_openai(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "api-key"
    key.write_text("sk-from-file\n", encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY_FILE", str(key))
    settings = Settings()
    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == "sk-from-file"
    assert settings.default_model() == "gpt-4o-mini"
    assert "sk-from-file" not in repr(settings)


@pytest.mark.parametrize("content", [None, "", "  \n"])
def test_an_absent_or_empty_key_file_means_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None
) -> None:
    key = tmp_path / "api-key"
    if content is not None:
        key.write_text(content, encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY_FILE", str(key))
    assert Settings().openai_api_key is None


def test_a_compatible_server_needs_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELNOTES_UPSTREAM_BASE_URL", "http://127.0.0.1:11434/v1")
    with pytest.raises(ValidationError, match="RELNOTES_MODEL is required"):
        Settings()
    monkeypatch.setenv("RELNOTES_MODEL", "llama3.1")
    assert Settings().default_model() == "llama3.1"

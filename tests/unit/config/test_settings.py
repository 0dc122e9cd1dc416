"""Settings from the environment: keys from files, model defaults, clear errors."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from relnotes.config import DETERMINISTIC_MODEL, Settings
from relnotes.controller.settings import ControllerSettings


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


def test_variables_are_read_whatever_their_case_and_keywords_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("relnotes_max_tokens", "1024")
    monkeypatch.setenv("RELNOTES_LOG_FORMAT", "text")
    monkeypatch.setenv("RELNOTES_UNKNOWN_KNOB", "ignored")
    settings = Settings(log_format="json")
    assert settings.max_tokens == 1024
    assert settings.log_format == "json"
    assert ControllerSettings().migrate_on_start is False
    monkeypatch.setenv("RELNOTES_MIGRATE_ON_START", "true")
    monkeypatch.setenv("RELNOTES_RETRY_CAP_SECONDS", "45")
    config = ControllerSettings()
    assert config.migrate_on_start is True
    assert config.retry_cap_seconds == 45.0


def test_aliases_are_read_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELNOTES_OPENAI_API_KEY", "sk-second")
    key = Settings().openai_api_key
    assert key is not None
    assert key.get_secret_value() == "sk-second"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-first")
    key = Settings().openai_api_key
    assert key is not None
    assert key.get_secret_value() == "sk-first"
    assert Settings.variables("upstream_base_url") == [
        "RELNOTES_UPSTREAM_BASE_URL",
        "OPENAI_BASE_URL",
    ]
    assert ControllerSettings.variables("db_pool_max_size") == ["RELNOTES_DB_POOL_MAX_SIZE"]


def test_a_bad_variable_is_named_by_its_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELNOTES_MAX_TOKENS", "5")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert [error["loc"] for error in caught.value.errors()] == [("max_tokens",)]

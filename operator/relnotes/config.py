"""Process settings, read from the environment (and mounted secret files) once at start-up.

Every setting has a default that works offline: with nothing configured, relnotes drafts with the
deterministic engine and keeps its cache in memory. Secrets are ``SecretStr`` so they never appear
in logs or reprs; a key can come from a file (a Kubernetes Secret mounted as a volume) instead of
an environment variable.

``EnvironmentSettings`` reads the variables itself rather than through pydantic-settings: every
setting here is a scalar pydantic parses from a string, and pydantic-settings imports all of its
sources (dotenv, TOML, YAML, the CLI, three clouds' secret stores) to read them, a quarter of
``relnotes render``'s start-up.
"""

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    DirectoryPath,
    Field,
    SecretStr,
    model_validator,
)

__all__ = ["DETERMINISTIC_MODEL", "ENV_PREFIX", "EnvironmentSettings", "Settings"]

DETERMINISTIC_MODEL = "relnotes-deterministic"
ENV_PREFIX = "RELNOTES_"


class EnvironmentSettings(BaseModel):
    """Settings from the environment, read when an instance is made (never at import).

    A field is read from ``RELNOTES_<FIELD>``, or from its ``AliasChoices`` names (in order) when
    it has some; names match whatever their case, unknown variables are ignored, and keywords
    given to the constructor win over the environment.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, validate_default=True)

    @classmethod
    def variables(cls, name: str) -> list[str]:
        """The environment variables a field is read from, in order of precedence."""
        alias = cls.model_fields[name].validation_alias
        if isinstance(alias, AliasChoices):
            return [str(choice) for choice in alias.choices]
        return [f"{ENV_PREFIX}{name.upper()}"]

    @model_validator(mode="before")
    @classmethod
    def _environment(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        environ = {key.lower(): value for key, value in os.environ.items()}
        found = {}
        for name in cls.model_fields:
            values = (environ.get(variable.lower()) for variable in cls.variables(name))
            value = next((value for value in values if value is not None), None)
            if value is not None:
                found[name] = value
        return found | data


class Settings(EnvironmentSettings):
    """Settings shared by every relnotes process; see the README's configuration table."""

    model_config = ConfigDict(populate_by_name=True)

    model: str | None = Field(default=None, description="Default model for specs that name none.")
    model_service_url: str | None = Field(
        default=None, description="Base URL of a relnotes model-service, e.g. http://host:8000/v1."
    )
    model_service_api_key: SecretStr | None = Field(
        default=None,
        description="Bearer key the model-service requires on /v1/* and its clients send.",
    )
    model_service_api_key_file: Path | None = None
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "RELNOTES_OPENAI_API_KEY")
    )
    openai_api_key_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY_FILE", "RELNOTES_OPENAI_API_KEY_FILE"),
    )
    upstream_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("RELNOTES_UPSTREAM_BASE_URL", "OPENAI_BASE_URL"),
        description="OpenAI-compatible server (vLLM, Ollama, LiteLLM); OpenAI when unset.",
    )
    upstream_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    upstream_max_retries: int = Field(default=2, ge=0, le=10)
    max_tokens: int = Field(default=800, ge=64, le=16_384)
    fallback: Literal["none", "deterministic"] = Field(
        default="none",
        description="Opt-in: answer with the deterministic engine on upstream errors.",
    )
    redis_url: str | None = None
    database_url: SecretStr | None = None
    database_password_file: Path | None = Field(
        default=None,
        description="Postgres password file (a mounted Secret), re-read at every new connection.",
    )
    # A directory that must exist: a missing mount would otherwise set no role's password.
    database_role_passwords_dir: DirectoryPath | None = Field(
        default=None,
        description="migrate only: files named after relnotes' roles, holding their passwords.",
    )
    cache_ttl_seconds: int = Field(default=86_400, ge=1, le=30 * 86_400)
    view_base_url: str | None = None
    host: str = "127.0.0.1"
    port: int | None = Field(default=None, ge=1, le=65_535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"

    @model_validator(mode="after")
    def _complete(self) -> "Settings":
        """Read a mounted key file (an absent optional Secret means no key); a compatible
        server needs a model name."""
        for name in ("openai_api_key", "model_service_api_key"):
            key_file = getattr(self, f"{name}_file")
            if getattr(self, name) is None and key_file is not None and key_file.is_file():
                key = key_file.read_text(encoding="utf-8").strip()
                object.__setattr__(self, name, SecretStr(key) if key else None)
        if self.upstream_base_url is not None and not self.model:
            raise ValueError("RELNOTES_MODEL is required when RELNOTES_UPSTREAM_BASE_URL is set")
        return self

    def database_conninfo(self, needed_by: str) -> str:
        """The Postgres URL; ``InvalidRequest`` naming the variable when ``needed_by`` lacks it
        (the CLI exits 2 with that message)."""
        if self.database_url is None:
            from relnotes.models.errors import InvalidRequest

            raise InvalidRequest(f"RELNOTES_DATABASE_URL: required by {needed_by}")
        return self.database_url.get_secret_value()

    def has_upstream(self) -> bool:
        """True when an OpenAI key or an OpenAI-compatible server is configured."""
        return self.openai_api_key is not None or self.upstream_base_url is not None

    def default_model(self) -> str:
        """The configured model, else gpt-4o-mini with an OpenAI key, else the offline engine."""
        if self.model:
            return self.model
        return "gpt-4o-mini" if self.openai_api_key is not None else DETERMINISTIC_MODEL

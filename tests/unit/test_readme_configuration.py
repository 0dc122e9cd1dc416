"""The README's configuration table lists every setting, with its variable and real default."""

from pathlib import Path

import pytest
from pydantic import AliasChoices

from relnotes.config import EnvironmentSettings, Settings
from relnotes.controller.settings import ControllerSettings

README = Path(__file__).resolve().parents[2] / "README.md"


def rows() -> dict[str, list[str]]:
    """Table rows of the README keyed by the environment variable in their second cell."""
    table: dict[str, list[str]] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[1].startswith("`"):
            for variable in cells[1].replace("`", "").split(" / "):
                table[variable] = cells
    return table


def settings() -> list[tuple[str, str, object]]:
    found = []
    classes: tuple[type[EnvironmentSettings], ...] = (Settings, ControllerSettings)
    for cls in classes:
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            variable = alias.choices[0] if isinstance(alias, AliasChoices) else None
            found.append((name, str(variable or f"RELNOTES_{name.upper()}"), field.default))
    return found


def shown(default: object) -> str:
    if default is None:
        return "unset"
    if isinstance(default, bool):
        return str(default).lower()
    return f"`{default}`"


@pytest.mark.parametrize(("name", "variable", "default"), settings())
def test_every_setting_is_documented_with_its_default(
    name: str, variable: str, default: object
) -> None:
    table = rows()
    assert variable in table, f"README configuration table lacks {variable} ({name})"
    assert table[variable][2] == shown(default), f"README default of {variable} is wrong"


def test_every_documented_variable_is_a_setting() -> None:
    """A row for a setting that no longer exists (or never did) misleads whoever reads it."""
    known = {variable for _, variable, _ in settings()}
    for cls in (Settings, ControllerSettings):
        for field in cls.model_fields.values():
            alias = field.validation_alias
            if isinstance(alias, AliasChoices):
                known.update(str(choice) for choice in alias.choices)
    assert set(rows()) - known == set()

"""Every test starts from embedded defaults: no key, no model-service, no stores configured."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _offline_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not reach a real API because a developer's shell has a key exported."""
    for name in list(os.environ):
        if name.startswith(("RELNOTES_", "OPENAI_")):
            monkeypatch.delenv(name)

"""The image's dependency lock: complete, pinned, hashed, and what the Dockerfile installs.

``make lock`` writes requirements.lock with pip-compile. A dependency added to pyproject.toml
without re-locking would be missing from the image (the final stage installs --no-deps), so
this test fails until the lock is regenerated; so does a pin that no longer satisfies
pyproject's range.
"""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from tests.tools import REPO

LOCK = REPO / "requirements.lock"
DOCKERFILE = REPO / "Dockerfile"

# What an extra of a direct dependency brings in, as that project declares it.
EXTRAS = {
    ("psycopg", "binary"): {"psycopg-binary"},
    ("psycopg", "pool"): {"psycopg-pool"},
    ("openai", "aiohttp"): {"aiohttp"},
}


def _locked() -> dict[str, tuple[Version, list[str]]]:
    """name -> (pinned version, hashes), from the lock's ``name==version \\ --hash=...`` entries."""
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    entries: dict[str, tuple[Version, list[str]]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split()
        name, sep, version = requirement.partition("==")
        assert sep, f"not pinned with ==: {requirement}"
        hashes = [o.removeprefix("--hash=") for o in options if o.startswith("--hash=sha256:")]
        entries[canonicalize_name(name)] = (Version(version), hashes)
    return entries


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(spec) for spec in project["dependencies"]]


def test_lock_covers_every_runtime_dependency_within_its_range() -> None:
    locked = _locked()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run `make lock`"
        version, _ = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name}=={version} is outside pyproject's {requirement.specifier}: run `make lock`"
        )
        for extra in requirement.extras:
            for package in EXTRAS.get((name, extra), set()):
                assert package in locked, f"{name}[{extra}] needs {package}: run `make lock`"


def test_every_locked_package_is_pinned_with_hashes() -> None:
    """Hash-checking mode: an archive whose sha256 is not listed is refused at build time."""
    locked = _locked()
    assert len(locked) > len(_declared()), "transitive dependencies are locked too"
    for name, (_, hashes) in locked.items():
        assert hashes, f"{name} has no --hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), name


def test_lock_holds_no_test_or_build_tooling() -> None:
    """The image gets runtime dependencies only (the dev extra is not locked for it)."""
    assert not {"pytest", "mypy", "ruff", "pip-tools", "lupa"} & set(_locked())


def test_dockerfile_installs_the_lock_with_hashes_and_labels_the_build() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "COPY requirements.lock ./" in text
    assert "--require-hashes --no-deps -r requirements.lock" in text
    assert "--no-index" in text
    assert "--no-deps /wheels/*.whl" in text
    assert "pip --python /opt/relnotes/bin/python check" in text
    for label, arg in (("source", "SOURCE"), ("revision", "REVISION"), ("created", "CREATED")):
        assert f"ARG {arg}" in text
        assert f'org.opencontainers.image.{label}="${{{arg}}}"' in text


def test_makefile_regenerates_the_lock() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lock:", makefile, flags=re.MULTILINE)
    assert "pip-compile" in makefile
    assert "--generate-hashes" in makefile
    assert "--output-file=requirements.lock pyproject.toml" in makefile

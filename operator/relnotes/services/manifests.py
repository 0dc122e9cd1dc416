"""Reading ReleaseNote manifests from YAML files, with errors a person can act on.

Every problem names the file, the document, the field and the limit, and all problems in all
files are reported together, so one run shows everything to fix.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml
from pydantic import ValidationError

from relnotes.models.manifest import ReleaseNoteManifest

__all__ = ["ManifestError", "describe_errors", "load_manifests"]


@dataclass(frozen=True)
class ManifestError(Exception):
    """One or more manifests are invalid; ``problems`` holds one line per problem."""

    problems: list[str]

    def __str__(self) -> str:
        return "\n".join(self.problems)


def describe_errors(error: ValidationError) -> list[str]:
    """``field.path: message (limit)`` for each pydantic error, by the manifest's own names."""
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(document)"
        limits = ", ".join(f"{k}={v}" for k, v in sorted((item.get("ctx") or {}).items()))
        lines.append(f"{where}: {item['msg']}" + (f" ({limits})" if limits else ""))
    return lines


def _documents(source: str, stream: TextIO) -> Iterable[tuple[str, Any]]:
    try:
        for number, document in enumerate(yaml.safe_load_all(stream), start=1):
            if document is not None:
                yield f"{source}: document {number}", document
    except yaml.YAMLError as error:
        raise ManifestError([f"{source}: not valid YAML: {error}"]) from error


def load_manifests(paths: list[str], stdin: TextIO) -> list[ReleaseNoteManifest]:
    """Every ReleaseNote in ``paths`` (``-`` is standard input), or a ManifestError."""
    manifests: list[ReleaseNoteManifest] = []
    problems: list[str] = []
    for path in paths:
        try:
            if path == "-":
                found = list(_documents("<stdin>", stdin))
            else:
                with Path(path).open(encoding="utf-8") as stream:
                    found = list(_documents(path, stream))
        except OSError as error:
            problems.append(f"{path}: cannot read: {error.strerror}")
            continue
        except ManifestError as error:
            problems.extend(error.problems)
            continue
        if not found:
            problems.append(f"{path}: no ReleaseNote documents")
        for where, document in found:
            try:
                manifests.append(ReleaseNoteManifest.model_validate(document))
            except ValidationError as error:
                problems.extend(f"{where}: {line}" for line in describe_errors(error))
    if problems:
        raise ManifestError(problems)
    return manifests

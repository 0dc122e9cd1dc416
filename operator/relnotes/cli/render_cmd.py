"""``relnotes render FILE...``: draft notes for manifests locally, with no cluster needed.

Exit codes: 0 every note written, 2 invalid input (nothing is drafted), 1 a draft failed.
"""

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings are built by main(); --help needs no pydantic
    from relnotes.config import Settings

__all__ = ["add_parser"]


def _run(args: argparse.Namespace, settings: "Settings") -> int:
    import asyncio
    import json

    from relnotes.models.errors import RelnotesError
    from relnotes.services.batch import render_batch
    from relnotes.services.manifests import ManifestError, load_manifests

    try:
        manifests = load_manifests(args.files, sys.stdin)
    except ManifestError as error:
        sys.stderr.write(f"relnotes render: invalid input\n{error}\n")
        return 2
    try:
        notes = asyncio.run(render_batch(manifests, settings))
    except RelnotesError as error:
        sys.stderr.write(f"relnotes render: generation failed: {error.message}\n")
        return 1
    if args.output == "json":
        documents = [note.document() for note in notes]
        sys.stdout.write(json.dumps(documents, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(note.markdown() for note in notes))
    return 0


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``render``."""
    parser = subparsers.add_parser(
        "render",
        help="draft release notes for ReleaseNote manifests, without a cluster",
        description="Draft release notes for ReleaseNote manifests (YAML, one or many documents "
        "per file; - reads standard input). Uses the deterministic engine unless "
        "OPENAI_API_KEY or RELNOTES_MODEL_SERVICE_URL is set.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="manifest files, or -")
    parser.add_argument("-o", "--output", choices=["markdown", "json"], default="markdown")
    parser.set_defaults(func=_run, log_format="text", quiet=True)

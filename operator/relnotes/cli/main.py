"""``relnotes``: parse the subcommand, read settings, configure logging, run it.

Settings are read here, once, and handed to the subcommand: nothing reads the environment at
import time. A settings error (a bad variable) exits 2 with the variable's name.
"""

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from relnotes.cli import export_cmd, render_cmd
from relnotes.cli.serving import add_serving_parser
from relnotes.config import Settings
from relnotes.logs import configure_logging
from relnotes.models.errors import InvalidRequest
from relnotes.modelservice.app import build_app as build_model_service
from relnotes.services.manifests import describe_errors
from relnotes.view.app import build_app as build_view

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="relnotes", description="Release notes for infrastructure changes, drafted by an LLM."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    render_cmd.add_parser(subparsers)
    export_cmd.add_parser(subparsers)
    add_serving_parser(
        subparsers,
        "model-service",
        "serve /v1/chat/completions (OpenAI-compatible) on --host/--port",
        8000,
        build_model_service,
    )
    add_serving_parser(
        subparsers, "view", "serve generated notes as HTML, Markdown and JSON", 8080, build_view
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``relnotes`` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "\n".join(describe_errors(error))
        sys.stderr.write(f"relnotes: invalid settings (RELNOTES_* environment)\n{problems}\n")
        return 2
    level = "WARNING" if getattr(args, "quiet", False) else settings.log_level
    configure_logging(level, getattr(args, "log_format", None) or settings.log_format)
    try:
        code: int = args.func(args, settings)
    except InvalidRequest as error:  # a setting the subcommand needs is missing or wrong
        sys.stderr.write(f"relnotes {args.command}: {error.message}\n")
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())

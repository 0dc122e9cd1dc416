"""``relnotes``: parse the subcommand, read settings, configure logging, run it.

Every door the product ships (the Dockerfile's ``CMD``, each container's ``args`` in
``manifests/``, the Makefile, the README) is a subcommand registered in ``COMMANDS``; a test runs
each of them through the installed console script. Registering a subcommand imports only its small
``cli`` module: the heavy libraries a command needs (kopf, aiohttp, psycopg, redis, openai) are
imported when that command runs, so ``relnotes --help`` and an offline ``render`` stay fast.

Settings are read here, once, and handed to the subcommand: nothing reads the environment at
import time. A settings error (a bad variable) exits 2 with the variable's name.
"""

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["COMMANDS", "build_parser", "main"]

# Each module exposes ``add_parser(subparsers)``; the order is the order of ``relnotes --help``.
COMMANDS = (
    "relnotes.cli.render_cmd",
    "relnotes.cli.operator_cmd",
    "relnotes.cli.serving",  # model-service and view
    "relnotes.cli.migrate_cmd",
    "relnotes.cli.export_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="relnotes", description="Release notes for infrastructure changes, drafted by an LLM."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def _describe(error: "ValidationError") -> str:
    from relnotes.services.manifests import describe_errors  # only on the error path

    return "\n".join(describe_errors(error))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``relnotes`` console script."""
    args = build_parser().parse_args(argv)  # --help and usage errors end here, before pydantic
    from pydantic import ValidationError

    from relnotes.config import Settings
    from relnotes.logs import configure_logging
    from relnotes.models.errors import InvalidRequest

    try:
        settings = Settings()
    except ValidationError as error:
        sys.stderr.write(
            f"relnotes: invalid settings (RELNOTES_* environment)\n{_describe(error)}\n"
        )
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

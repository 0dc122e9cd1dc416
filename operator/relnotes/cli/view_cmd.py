"""``relnotes view``: the read-only HTTP view of generated notes."""

import argparse

from relnotes.cli.serving import add_listen_arguments, listen_address, serve
from relnotes.config import Settings
from relnotes.view.app import build_app

__all__ = ["add_parser"]

DEFAULT_PORT = 8080


def _run(args: argparse.Namespace, settings: Settings) -> int:
    host, port = listen_address(args, settings)
    return serve(build_app(settings), host, port, "view")


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``view``."""
    parser = subparsers.add_parser(
        "view", help="serve generated notes as HTML, Markdown and JSON on --host/--port"
    )
    add_listen_arguments(parser, DEFAULT_PORT)
    parser.set_defaults(func=_run)

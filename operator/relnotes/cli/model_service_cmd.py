"""``relnotes model-service``: the OpenAI-compatible server in front of the engines."""

import argparse

from relnotes.cli.serving import add_listen_arguments, listen_address, serve
from relnotes.config import Settings
from relnotes.modelservice.app import build_app

__all__ = ["add_parser"]

DEFAULT_PORT = 8000


def _run(args: argparse.Namespace, settings: Settings) -> int:
    host, port = listen_address(args, settings)
    return serve(build_app(settings), host, port, "model-service")


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``model-service``."""
    parser = subparsers.add_parser(
        "model-service", help="serve /v1/chat/completions (OpenAI-compatible) on --host/--port"
    )
    add_listen_arguments(parser, DEFAULT_PORT)
    parser.set_defaults(func=_run)

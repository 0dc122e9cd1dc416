"""What every serving subcommand shares: ``--host``/``--port`` (or the environment) and a runner."""

import argparse
import logging

from aiohttp import web

from relnotes.config import Settings

__all__ = ["add_listen_arguments", "listen_address", "serve"]

log = logging.getLogger(__name__)


def add_listen_arguments(parser: argparse.ArgumentParser, default_port: int) -> None:
    """``--host`` and ``--port``; RELNOTES_HOST / RELNOTES_PORT give their defaults."""
    parser.add_argument("--host", help="address to listen on (env RELNOTES_HOST, 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, help=f"port to listen on (env RELNOTES_PORT, {default_port})"
    )
    parser.set_defaults(default_port=default_port)


def listen_address(args: argparse.Namespace, settings: Settings) -> tuple[str, int]:
    """The flag if given, else the environment, else the subcommand's default port."""
    host = args.host or settings.host
    port = args.port or settings.port or args.default_port
    return host, port


def serve(app: web.Application, host: str, port: int, name: str) -> int:
    """Run ``app`` until SIGINT/SIGTERM (aiohttp's runner shuts down gracefully); exit 0."""
    log.info("listening", extra={"service": name, "host": host, "port": port})
    web.run_app(app, host=host, port=port, access_log=None, print=None, handle_signals=True)
    return 0

"""The serving subcommands (``model-service``, ``view``): ``--host``/``--port`` and a runner.

Flags win over the environment (RELNOTES_HOST / RELNOTES_PORT), which wins over each
subcommand's default port. aiohttp's own runner handles SIGINT/SIGTERM with a graceful shutdown.
The listen backlog is 2048 (gunicorn's and uvicorn's default), not aiohttp's 128: a burst of new
connections (hundreds of ReleaseNotes applied at once, each drafted through the model-service)
must queue in the kernel, not have its SYNs dropped and retried a second later. The event loop
is uvloop's: about 15% less CPU per proxied request than asyncio's (bench/gateway_throughput.py).
Before serving, the objects made at start-up (modules, classes, schemas: most of the heap) are
frozen out of the cyclic garbage collector, and its youngest generation is collected ten times
less often: a request allocates thousands of short-lived objects, and each collection otherwise
walked the whole heap; together about a fifth of the model-service's CPU per gateway request.

The app is named by its module (``relnotes.view.app``) and imported only when the command runs,
so registering the command costs no aiohttp import.
"""

import argparse
import gc
import importlib
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings are built by main(); --help needs no pydantic
    from relnotes.config import Settings

__all__ = ["add_parser"]

log = logging.getLogger(__name__)

LISTEN_BACKLOG = 2048
GC_YOUNGEST = 7_000  # allocations between collections of the youngest generation (default 700)


def _add_server(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]",
    name: str,
    summary: str,
    default_port: int,
    app_module: str,
) -> None:
    """Register subcommand ``name`` that serves ``app_module.build_app(settings)``."""
    parser = subparsers.add_parser(name, help=summary, description=summary)
    parser.add_argument("--host", help="address to listen on (env RELNOTES_HOST, 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, help=f"port to listen on (env RELNOTES_PORT, {default_port})"
    )

    def run(args: argparse.Namespace, settings: "Settings") -> int:
        import uvloop
        from aiohttp import web

        host = args.host or settings.host
        port = args.port or settings.port or default_port
        app = importlib.import_module(app_module).build_app(settings)
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNGEST, *gc.get_threshold()[1:])
        log.info("listening", extra={"service": name, "host": host, "port": port})
        web.run_app(
            app,
            host=host,
            port=port,
            backlog=LISTEN_BACKLOG,
            access_log=None,
            print=None,
            loop=uvloop.new_event_loop(),
        )
        return 0

    parser.set_defaults(func=run)


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``model-service`` (port 8000) and ``view`` (port 8080)."""
    _add_server(
        subparsers,
        "model-service",
        "serve /v1/chat/completions (OpenAI-compatible) on --host/--port",
        8000,
        "relnotes.modelservice.app",
    )
    _add_server(
        subparsers,
        "view",
        "serve generated notes as HTML, Markdown and JSON on --host/--port",
        8080,
        "relnotes.view.app",
    )

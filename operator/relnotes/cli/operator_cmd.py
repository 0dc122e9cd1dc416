"""``relnotes operator``: run the kopf controller with JSON logs and its probe server.

The probe server (``--probe-port``, 8081) answers ``/healthz`` (liveness: the event loop and
kopf's watchers, never a dependency), ``/readyz`` (each dependency by name and state) and
``/metrics`` (``controller.probe_server``); kopf's own liveness endpoint is not used.

Replicas run standalone (no kopf peering) by default: two replicas may both see a change, and the
Redis lock, the cache and the idempotent Postgres upsert make that cost one model call and one
row. ``--peering`` opts into kopf's peering to keep one active replica instead.
"""

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings are built by main(); --help needs no pydantic
    from relnotes.config import Settings

__all__ = ["add_parser", "probe_port"]

DEFAULT_PROBE_PORT = 8081  # 8080 is the view's


def probe_port(args: argparse.Namespace) -> int | None:
    """The probe server's port; None: off."""
    port = int(args.probe_port)
    return port if port > 0 else None


def _run(args: argparse.Namespace, settings: "Settings") -> int:
    del settings  # the startup handler reads its own, inside the operator's event loop
    import asyncio

    import kopf

    from relnotes.controller import logfields
    from relnotes.controller.handlers import NAMESPACES, PROBE_PORT, build_registry

    logfields.install()
    memo = {NAMESPACES: tuple(args.namespace or ()), PROBE_PORT: probe_port(args)}
    asyncio.run(
        kopf.operator(
            registry=build_registry(),
            clusterwide=not args.namespace,
            namespaces=args.namespace or (),
            standalone=args.peering is None,
            peering_name=args.peering,
            memo=kopf.Memo(memo),
        )
    )
    return 0


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``operator``."""
    parser = subparsers.add_parser(
        "operator", help="run the ReleaseNote controller (kopf) against the current cluster"
    )
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "-n", "--namespace", action="append", help="namespace (or glob) to serve; repeatable"
    )
    scope.add_argument(
        "-A", "--all-namespaces", action="store_true", help="serve every namespace (the default)"
    )
    parser.add_argument(
        "--probe-port",
        type=int,
        default=DEFAULT_PROBE_PORT,
        metavar="PORT",
        help=f"port of /healthz (liveness), /readyz (dependencies) and /metrics"
        f" ({DEFAULT_PROBE_PORT}); 0 to disable",
    )
    peering = parser.add_mutually_exclusive_group()
    peering.add_argument(
        "--standalone", action="store_true", help="run without kopf peering (the default)"
    )
    peering.add_argument(
        "--peering", metavar="NAME", help="use kopf peering NAME instead of running standalone"
    )
    parser.set_defaults(func=_run)

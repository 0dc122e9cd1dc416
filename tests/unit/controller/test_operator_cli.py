"""``relnotes operator`` flags, the ``kopf run -m`` entry module, and the handlers' registry."""

from __future__ import annotations

import argparse
import importlib

import kopf
import pytest

from relnotes.cli.main import build_parser
from relnotes.controller.handlers import build_registry, configure


def _parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["operator", *argv])


def test_scope_defaults_to_every_namespace_and_flags_are_exclusive() -> None:
    default = _parse("--standalone")  # what manifests/base/operator.yaml runs
    assert default.namespace is None
    assert default.peering is None
    assert default.liveness == "http://0.0.0.0:8081/healthz"
    with pytest.raises(SystemExit):
        _parse("-A", "-n", "ns1")
    with pytest.raises(SystemExit):
        _parse("--standalone", "--peering", "relnotes")
    args = _parse("-n", "ns1", "-n", "ns2")
    assert args.namespace == ["ns1", "ns2"]
    assert callable(args.func)


def _handler_ids(registry: kopf.OperatorRegistry) -> set[str]:
    kinds = (registry._activities, registry._changing, registry._watching)
    return {str(handler.id) for kind in kinds for handler in kind.get_all_handlers()}


def test_registry_holds_every_handler_and_kopf_bookkeeping_lives_in_status() -> None:
    registry = build_registry()
    assert {"login", "startup", "cleanup", "generate", "forget", "postgres", "redis"} <= (
        _handler_ids(registry)
    )
    settings = kopf.OperatorSettings()
    configure(settings)
    assert isinstance(settings.persistence.progress_storage, kopf.StatusProgressStorage)
    assert isinstance(settings.persistence.diffbase_storage, kopf.StatusDiffBaseStorage)
    assert registry is not build_registry()  # a fresh registry each time, no globals


def test_deletion_needs_no_finalizer() -> None:
    """No handler makes kopf add a finalizer: deleting a ReleaseNote never waits on relnotes."""
    registry = build_registry()
    assert not any(h.requires_finalizer for h in registry._changing.get_all_handlers())
    assert [h.id for h in registry._watching.get_all_handlers()] == ["forget"]


def test_kopf_run_entry_module_registers_on_the_default_registry() -> None:
    importlib.import_module("relnotes.controller.main")
    assert _handler_ids(kopf.get_default_registry()) >= _handler_ids(build_registry())

"""The acceptance tier: the product started as users start it (see ``system.py``).

Each test module gets its own API server, stores and processes; a failing test's report carries
the tail of every process's log, and the logs stay in the test's temporary directory.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "integration"))

from servers import PostgresServer, RedisServer, running_postgres, running_redis
from tests.acceptance.system import System
from tests.tools import missing_tool

LOG_TAIL = 6000  # characters of each process's log in a failure report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.acceptance)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, Any]:
    report = yield
    funcargs = getattr(item, "funcargs", {})
    system = funcargs.get("system") or funcargs.get("cluster")
    if report.failed and isinstance(system, System):
        for name, text in system.all_logs().items():
            report.sections.append((f"log of {name} ({system.logs})", text[-LOG_TAIL:]))
    return report


@pytest.fixture(scope="module")
def stores() -> Iterator[tuple[RedisServer, PostgresServer]]:
    """Real Redis and Postgres, standing in for the overlay's store Deployments."""
    if shutil.which("kubectl") is None:
        missing_tool("the acceptance tier drives the system with kubectl")
    with running_redis() as redis, running_postgres() as postgres:
        yield redis, postgres


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, stores: tuple[RedisServer, PostgresServer]
) -> Iterator[System]:
    """An API server and the stores, with nothing applied yet."""
    running = System(tmp_path_factory.mktemp("system"), *stores)
    try:
        running.start_api()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def system(cluster: System) -> System:
    """The kind overlay applied with kubectl, and its workloads running."""
    cluster.install()
    cluster.start()
    return cluster

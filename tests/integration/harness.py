"""The in-process world the operator runs in: an emulated cluster, a model-service, a fault proxy.

``Cluster`` is kmock's KubernetesEmulator plus what the API server does that relnotes relies on:
uid, creationTimestamp and a ``metadata.generation`` bumped on spec changes only. ``FaultProxy``
sits between the operator and the real model-service, counts chat completions (model calls) and
can answer 503, hang, or answer 200 with a body that is not a completion on demand.
``running_operator`` runs kopf in the test's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import functools
import itertools
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Literal
from unittest import mock

import aiohttp
import kmock
import kopf
import psycopg
from aiohttp import test_utils, web
from aiohttp.web_runner import SockSite

from relnotes import API_GROUP, API_VERSION, KIND, PLURAL
from relnotes.config import Settings
from relnotes.modelservice.app import build_app

__all__ = [
    "RESOURCE",
    "Cluster",
    "FaultProxy",
    "api_server",
    "eventually",
    "kubeconfig",
    "manifest",
    "model_service",
    "note_rows",
    "running_operator",
    "serve",
]

RESOURCE = f"{API_GROUP}/{API_VERSION}/{PLURAL}"


class Cluster(kmock.KubernetesEmulator):
    """The emulator with uid, creationTimestamp and generation semantics of a real API server.

    ``writes`` lists every write to a ReleaseNote as (action, subresource), so a test can see
    what the operator changed (kmock keeps requests too, but not as public API).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[tuple[str, str | None]] = []

    async def _handle(self, request: kmock.Request) -> web.StreamResponse:
        resource, data = request.resource, request.data
        if resource is not None and resource.plural == PLURAL and request.method != "GET":
            self.writes.append((str(request.method.value), request.subresource))
        if request.action == kmock.action.CREATE and isinstance(data, dict):
            meta = data.setdefault("metadata", {})
            if "generateName" in meta and not meta.get("name"):  # kopf's Events
                meta["name"] = f"{meta['generateName']}{uuid.uuid4().hex[:10]}"
        if resource is not None and resource.plural == PLURAL:
            if isinstance(data, list):  # JSON patch: its "test" ops guard resourceVersion
                path = "/metadata/resourceVersion"
                data.append({"op": "replace", "path": path, "value": _next_version()})
            elif isinstance(data, dict):
                self._mimic(request, data)
            elif request.action == kmock.action.DELETE:  # deletionTimestamp is a change too
                key = _key(resource, request.namespace, request.name)
                if key is not None and key in self.objects and not self.objects[key].deleted:
                    self.objects[key].patch({"metadata": {"resourceVersion": _next_version()}})
        return await super()._handle(request)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, kmock.Request):
            return True  # every request that reaches this handler is one of its own
        return super().__contains__(item)  # type: ignore[operator]

    async def _serve_list(self, request: kmock.Request) -> kmock.Payload:
        listing: dict[str, Any] = await super()._serve_list(request)  # type: ignore[assignment]
        listing["metadata"]["resourceVersion"] = str(_last_version())
        return listing

    async def _serve_watch(self, request: kmock.Request) -> AsyncIterator[kmock.Payload]:
        """Like the API server: from ``resourceVersion`` on, not every object again."""
        since = request.params.get("resourceVersion", "")
        if not since.isdigit():
            async for item in super()._serve_watch(request):
                yield item
            return
        async for item in super()._serve_watch(request):
            if isinstance(item, dict) and item.get("type") == "ADDED":
                version = item["object"].get("metadata", {}).get("resourceVersion") or "0"
                if int(version) <= int(since):
                    continue  # listed already: the emulator replays every object on watch
            yield item

    # kmock finds the object of a create/fetch/patch/delete by scanning every stored object
    # (events included): linear per request, quadratic per run. A key lookup gives the same
    # object, so the benchmark measures the operator, not the emulator.
    def _object(self, request: kmock.Request) -> Any:
        data = request.data if isinstance(request.data, dict) else {}
        meta = data.get("metadata", {}) if request.action == kmock.action.CREATE else {}
        key = _key(
            request.resource,
            request.namespace or meta.get("namespace"),
            request.name or meta.get("name"),
        )
        if key is None or key not in self.objects:
            raise kmock.KubernetesObjectNotFoundError()
        return self.objects[key]

    async def _serve_create(self, request: kmock.Request) -> kmock.Payload:
        return self._object(request).raw  # type: ignore[no-any-return]

    async def _serve_fetch(self, request: kmock.Request) -> kmock.Payload:
        found = self._object(request)
        if found.deleted:
            raise kmock.KubernetesObjectNotFoundError()
        return found.raw  # type: ignore[no-any-return]

    async def _serve_update(self, request: kmock.Request) -> kmock.Payload:
        return self._object(request).last.raw  # type: ignore[no-any-return]

    async def _serve_delete(self, request: kmock.Request) -> kmock.Payload:
        return self._object(request).last.raw  # type: ignore[no-any-return]

    async def _render_error(self, exc: Exception) -> web.StreamResponse:
        if type(exc).__name__ == "JsonPatchTestFailed":  # a stale resourceVersion: 422 Conflict
            exc = kmock.KubernetesError(status=422, reason="Invalid", message=str(exc))
        return await super()._render_error(exc)

    def _mimic(self, request: kmock.Request, data: dict[str, Any]) -> None:
        meta = data.setdefault("metadata", {})
        meta["resourceVersion"] = _next_version()
        if request.action == kmock.action.CREATE:
            meta.setdefault("uid", str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", _now())
            meta["generation"] = 1
        elif request.action == kmock.action.UPDATE and request.subresource == "status":
            for field in [k for k in data if k not in {"status", "metadata"}]:
                data.pop(field)
        elif request.action == kmock.action.UPDATE:
            data.pop("status", None)  # the status subresource owns status
            key = _key(kmock.resource(RESOURCE), request.namespace, request.name)
            if key and "spec" in data and key in self.objects and not self.objects[key].deleted:
                meta["generation"] = self.objects[key]["metadata"].get("generation", 1) + 1

    def declare(self) -> None:
        """Serve the CRD's resource (with its status subresource) and core events."""
        self.resources.load_bundled()
        self.resources[RESOURCE] = kmock.ResourceInfo(
            kind=KIND,
            singular="releasenote",
            namespaced=True,
            verbs={"list", "watch", "get", "patch", "create", "delete"},
            shortnames={"rn"},
            subresources={"status"},
        )

    def note(self, namespace: str, name: str) -> dict[str, Any]:
        """The object's current raw state."""
        raw: dict[str, Any] = self.objects[RESOURCE, namespace, name].raw
        return raw

    def exists(self, namespace: str, name: str) -> bool:
        key = (kmock.resource(RESOURCE), namespace, name)
        return key in self.objects and not self.objects[key].deleted

    def events(self, reason: str | None = None) -> list[dict[str, Any]]:
        """Kubernetes Events the operator posted, optionally of one reason."""
        found = [
            obj.raw
            for (res, _, _), obj in self.objects.items()
            if res.plural == "events" and not obj.deleted
        ]
        return [e for e in found if reason is None or e.get("reason") == reason]


ObjectKey = tuple[kmock.resource, str | None, str]


def _key(
    resource: kmock.resource | None, namespace: str | None, name: str | None
) -> ObjectKey | None:
    """The emulator's key of one object, or None when the request names no single object."""
    if resource is None or name is None:
        return None
    return (resource, namespace, name)


class _ListeningServer(test_utils.RawTestServer):
    """aiohttp's test server with kube-apiserver's listen backlog (the kernel's somaxconn), not
    aiohttp's 128: kopf opens a connection per concurrent request, and a burst of hundreds must
    queue, not lose SYNs that the client resends a second later."""

    async def start_server(
        self, loop: asyncio.AbstractEventLoop | None = None, **kwargs: Any
    ) -> None:
        backlogged = functools.partial(SockSite, backlog=4096)
        with mock.patch.object(test_utils, "SockSite", backlogged):
            await super().start_server(loop, **kwargs)


def api_server(cluster: Cluster) -> kmock.Server:
    """Serve ``cluster`` on 127.0.0.1 like an API server would (see ``_ListeningServer``)."""
    return kmock.Server(cluster, server_cls=_ListeningServer)


_versions = itertools.count(1)
_latest = [0]


def _next_version() -> str:
    _latest[0] = next(_versions)
    return str(_latest[0])


def _last_version() -> int:
    return _latest[0]


def _linear(original: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """kmock matches a request to a reaction by scanning every request recorded so far, for
    every reaction: quadratic, minutes for a few hundred objects. On a ``Cluster``, a filter
    holds a request iff its source does and its criteria accept it; a priority iff its source
    does. Same answer, constant time; other kmock handlers keep the original."""

    def contains(view: Any, item: object) -> bool:
        root = view
        while isinstance(root, kmock.Chained):
            root = root._source
        if not isinstance(item, kmock.Request) or not isinstance(root, Cluster):
            return original(view, item)
        if isinstance(view, kmock.Filter) and not view.criteria(item):
            return False
        return item in view._source

    return contains


for _view in (kmock.Filter, kmock.Priority):
    _view.__contains__ = _linear(_view.__contains__)  # type: ignore[method-assign]


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def manifest(name: str, spec: dict[str, Any], namespace: str = "ns1") -> dict[str, Any]:
    return {
        "apiVersion": f"{API_GROUP}/{API_VERSION}",
        "kind": KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def kubeconfig(path: Path, server: str) -> Path:
    """A kubeconfig pointing at ``server`` (what kopf's kubeconfig login reads)."""
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: emulator\n"
        f"clusters:\n- name: emulator\n  cluster:\n    server: {server}\n"
        "contexts:\n- name: emulator\n  context:\n    cluster: emulator\n    user: nobody\n"
        "users:\n- name: nobody\n  user: {}\n",
        encoding="utf-8",
    )
    return path


@contextlib.asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port; yields its base URL."""
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


class FaultProxy:
    """Forwards to the model-service; counts chat completions; fails on demand."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.mode: Literal["pass", "503", "hang", "garbage", "not-json"] = "pass"
        self.calls = 0  # chat completions forwarded to the model-service
        self.refused = 0  # chat completions answered with a fault
        self._session: aiohttp.ClientSession | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        app.on_cleanup.append(self._close)
        return app

    async def _close(self, _: web.Application) -> None:
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        completion = request.path.endswith("/chat/completions")
        if completion and self.mode == "503":
            self.refused += 1
            return web.json_response({"error": {"message": "injected outage"}}, status=503)
        if completion and self.mode == "hang":
            self.refused += 1
            await asyncio.sleep(3600)
        if completion and self.mode == "not-json":  # a proxy's error page, answered 200
            self.refused += 1
            return web.Response(text="<html>upstream reset</html>", content_type="text/html")
        if completion and self.mode == "garbage":
            self.calls += 1
            return web.json_response(_garbage_completion())
        if completion:
            self.calls += 1
        if self._session is None:
            self._session = aiohttp.ClientSession()
        body = await request.read()
        async with self._session.request(
            request.method,
            f"{self.upstream}{request.path_qs}",
            data=body,
            headers={"Content-Type": request.headers.get("Content-Type", "application/json")},
        ) as response:
            payload = await response.read()
            return web.Response(
                body=payload, status=response.status, content_type=response.content_type
            )


def _garbage_completion() -> dict[str, Any]:
    """A well-formed chat completion whose content is not a release note."""
    return {
        "id": "chatcmpl-garbage",
        "object": "chat.completion",
        "created": 0,
        "model": "relnotes-deterministic",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "this is not JSON"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@contextlib.asynccontextmanager
async def model_service() -> AsyncIterator[tuple[str, FaultProxy]]:
    """The real model-service (deterministic engine) behind a fault proxy; yields the /v1 URL."""
    async with serve(build_app(Settings())) as upstream:
        proxy = FaultProxy(upstream)
        async with serve(proxy.app()) as url:
            yield f"{url}/v1", proxy


@contextlib.asynccontextmanager
async def running_operator(
    registry: kopf.OperatorRegistry,
    *,
    startup_timeout_s: float = 20.0,
    memo: dict[str, Any] | None = None,
) -> AsyncIterator[kopf.OperatorSettings]:
    """Run kopf against the cluster in KUBECONFIG, in a thread of its own, until the block exits.

    A thread, not a task: when kopf stops it cancels every task created after it started,
    which in the test's loop would include the test itself.
    """
    settings = kopf.OperatorSettings()
    settings.scanning.disabled = True  # the emulator serves no CRDs/namespaces to scan
    settings.watching.reconnect_backoff = 0.2
    stop, ready = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(
                kopf.operator(
                    registry=registry,
                    settings=settings,
                    clusterwide=True,
                    standalone=True,
                    stop_flag=stop,
                    ready_flag=ready,
                    memo=kopf.Memo(memo or {}),
                )
            )
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, name="kopf", daemon=True)
    thread.start()
    try:
        if not await asyncio.to_thread(ready.wait, startup_timeout_s):
            raise TimeoutError(f"kopf not ready within {startup_timeout_s}s: {errors}")
        yield settings
    finally:
        stop.set()
        await asyncio.to_thread(thread.join, 30)
        assert not thread.is_alive(), "kopf did not stop within 30s"
        assert not errors, errors


async def eventually(
    check: Callable[[], Any], *, timeout_s: float = 20.0, interval_s: float = 0.1
) -> Any:
    """Poll ``check`` until it returns truthy (or stops raising AssertionError); bounded."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            result = check()
            if result:
                return result
        except (AssertionError, KeyError, ValueError):
            if asyncio.get_running_loop().time() >= deadline:
                raise
        if asyncio.get_running_loop().time() >= deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(interval_s)


def note_rows(dsn: str, uid: str | None = None) -> list[tuple[Any, ...]]:
    """(uid, generation, phase, deleted_at) rows of ``release_notes``, oldest first."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(
            "SELECT uid, generation, phase, deleted_at FROM release_notes"
            " WHERE %(uid)s::text IS NULL OR uid = %(uid)s ORDER BY id",
            {"uid": uid},
        )
        return list(cursor.fetchall())

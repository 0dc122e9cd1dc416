"""A Kubernetes API server for tests: kmock's KubernetesEmulator plus what relnotes and kubectl
rely on, servable in-process (integration tier) or as a process of its own (acceptance tier:
``python -m tests.kube_emulator``, which prints its URL and serves until SIGTERM).

What it adds to the emulator, each as a real API server does it:
- uid, creationTimestamp, resourceVersion, and ``metadata.generation`` bumped on spec changes only;
  the status subresource owns ``status``;
- a CustomResourceDefinition that is created is served: its resource appears in discovery, and
  ``kubectl get`` prints its ``additionalPrinterColumns`` (server-side Table output);
- lists carry ``kind``/``apiVersion``; cluster-scoped objects (namespaces) can be created;
- lists are paged by ``limit`` and ``continue`` (items in key order, later pages from a snapshot
  at the first page's resourceVersion), as kopf's ``chunk_size``, the history sweep and kubectl
  ask;
- ``/openapi/v3`` declares server-side field validation, so ``kubectl apply`` validates as
  against a real cluster instead of failing to download a schema.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import functools
import itertools
import json
import signal
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from unittest import mock

import kmock
import yaml
from aiohttp import test_utils, web
from aiohttp.web_runner import SockSite
from kmock._internal import parsing as kmock_parsing
from tests.kube_tables import printer_table

from relnotes import API_GROUP, API_VERSION, KIND, PLURAL

__all__ = ["CRD_FILE", "RESOURCE", "Cluster", "api_server", "kubeconfig", "manifest"]

REPO = Path(__file__).resolve().parents[1]
CRD_FILE = REPO / "crds" / "releasenotes.relnotes.io.yaml"
CRD_PLURAL = "customresourcedefinitions"
RESOURCE = f"{API_GROUP}/{API_VERSION}/{PLURAL}"


class Cluster(kmock.KubernetesEmulator):
    """The emulator with the API-server semantics listed in the module docstring.

    ``writes`` lists every write to a custom resource as (action, subresource), so a test can see
    what the operator changed, and ``lists`` the query of every LIST of one (kmock keeps
    requests too, but not as public API).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[tuple[str, str | None]] = []
        self.lists: list[dict[str, str]] = []
        self.metadata_lists = 0  # LISTs answered as PartialObjectMetadataList
        self._snapshots: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        self.printer_columns: dict[kmock.resource, list[dict[str, Any]]] = {}

    async def _handle(self, request: kmock.Request) -> web.StreamResponse:
        if request.url.path.startswith("/openapi/v3"):
            return web.json_response(self._openapi(request.url.path))
        resource, data = request.resource, request.data
        custom = resource is not None and resource in self.printer_columns
        if custom and request.method != "GET":
            self.writes.append((str(request.method.value), request.subresource))
        if custom and request.action == kmock.action.LIST:
            self.lists.append(dict(request.params))
        if request.action == kmock.action.CREATE and isinstance(data, dict):
            meta = data.setdefault("metadata", {})
            if "generateName" in meta and not meta.get("name"):  # kopf's Events
                meta["name"] = f"{meta['generateName']}{uuid.uuid4().hex[:10]}"
            if resource is not None and resource.plural == CRD_PLURAL:
                self.declare_crd(data)
        if resource is not None:
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
        assert request.resource is not None
        continued = self._continued(request.params)
        if continued is None:
            listing: dict[str, Any] = await super()._serve_list(request)  # type: ignore[assignment]
            listing["metadata"]["resourceVersion"] = str(_last_version())
            self._first_page(listing, request.params)
        else:
            listing = continued
        listing["apiVersion"] = _api_version(request.resource)
        listing["kind"] = f"{self._kind(request.resource)}List"
        if _wants_table(request):
            columns = self.printer_columns.get(request.resource, [])
            return printer_table(listing["items"], columns, listing["metadata"])
        if _wants_metadata(request):
            self.metadata_lists += 1
            return _metadata_only(listing)
        return listing

    def _first_page(self, listing: dict[str, Any], params: Any) -> None:
        """Cut ``listing`` to its first page as kube-apiserver pages a LIST: items in key order
        (namespace, name), at most ``limit``, and an opaque ``continue`` token naming the rest,
        kept as a snapshot at this resourceVersion (so later pages cost their own size, and a
        watch from that version sees whatever changed while the pages were read)."""
        items = sorted(listing["items"], key=_list_key)
        if token := params.get("continue"):  # a snapshot no longer kept: go on from its key
            _, _, after = json.loads(base64.urlsafe_b64decode(token))
            items = [item for item in items if _list_key(item) > tuple(after)]
        listing["items"] = self._cut(listing, items, params)

    def _continued(self, params: Any) -> dict[str, Any] | None:
        """The next page of a kept snapshot, or None when ``params`` continue none."""
        token = params.get("continue")
        if not token:
            return None
        snapshot, offset, _ = json.loads(base64.urlsafe_b64decode(token))
        if snapshot not in self._snapshots:
            return None
        version, items = self._snapshots[snapshot]
        listing: dict[str, Any] = {"metadata": {"resourceVersion": version}}
        listing["items"] = self._cut(listing, items[offset:], params, snapshot, offset)
        return listing

    def _cut(
        self,
        listing: dict[str, Any],
        items: list[dict[str, Any]],
        params: Any,
        snapshot: str | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        limit = int(params.get("limit") or 0)
        if not 0 < limit < len(items):
            self._snapshots.pop(snapshot or "", None)
            return items
        if snapshot is None:
            snapshot, offset = uuid.uuid4().hex, 0
            self._snapshots[snapshot] = (listing["metadata"]["resourceVersion"], items)
            while len(self._snapshots) > 32:  # an abandoned listing's snapshot expires
                del self._snapshots[next(iter(self._snapshots))]
        last = json.dumps([snapshot, offset + limit, _list_key(items[limit - 1])])
        listing["metadata"]["continue"] = base64.urlsafe_b64encode(last.encode()).decode()
        listing["metadata"]["remainingItemCount"] = len(items) - limit
        return items[:limit]

    async def _serve_version(self, request: kmock.Request) -> kmock.Payload:
        """Discovery as the API server answers it: the core group-version is ``v1`` (not
        ``/v1``), and a subresource has no short names, so ``rn`` means only ReleaseNotes."""
        listing: dict[str, Any] = await super()._serve_version(request)  # type: ignore[assignment]
        listing["groupVersion"] = listing["groupVersion"].lstrip("/")
        for entry in listing["resources"]:
            if "/" in entry["name"]:
                entry.update(shortNames=[], categories=[], singularName="")
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
        if _wants_table(request):
            assert request.resource is not None
            columns = self.printer_columns.get(request.resource, [])
            return printer_table([found.raw], columns, {"resourceVersion": str(_last_version())})
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
        assert request.resource is not None
        if request.action == kmock.action.CREATE:
            meta.setdefault("uid", str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", _now())
            meta["generation"] = 1
            data.setdefault("apiVersion", _api_version(request.resource))
            data.setdefault("kind", self._kind(request.resource))
            if request.namespace and "namespace" not in meta and self._namespaced(request):
                meta["namespace"] = request.namespace
        elif request.action == kmock.action.UPDATE and request.subresource == "status":
            for field in [k for k in data if k not in {"status", "metadata"}]:
                data.pop(field)
        elif request.action == kmock.action.UPDATE:
            data.pop("status", None)  # the status subresource owns status
            key = _key(request.resource, request.namespace, request.name)
            if key and "spec" in data and key in self.objects and not self.objects[key].deleted:
                meta["generation"] = self.objects[key]["metadata"].get("generation", 1) + 1

    def _kind(self, resource: kmock.resource) -> str:
        info = self.resources.get(resource)
        kind = getattr(info, "kind", None)
        return kind or (resource.plural or "").rstrip("s").capitalize()

    def _namespaced(self, request: kmock.Request) -> bool:
        assert request.resource is not None
        info = self.resources.get(request.resource)
        return getattr(info, "namespaced", None) is not False

    def declare(self) -> None:
        """Serve the built-in resources and relnotes' CRD, as on a cluster it is installed in."""
        self.resources.load_bundled()
        self.declare_crd(yaml.safe_load(CRD_FILE.read_text(encoding="utf-8")))

    def declare_crd(self, crd: dict[str, Any]) -> None:
        """Serve the resource a CustomResourceDefinition defines (every served version)."""
        spec, names = crd["spec"], crd["spec"]["names"]
        for version in spec["versions"]:
            if not version.get("served", True):
                continue
            resource = kmock.resource(f"{spec['group']}/{version['name']}/{names['plural']}")
            self.resources[resource] = kmock.ResourceInfo(
                kind=names["kind"],
                singular=names.get("singular", names["kind"].lower()),
                namespaced=spec.get("scope", "Namespaced") == "Namespaced",
                verbs={"list", "watch", "get", "patch", "update", "create", "delete"},
                shortnames=set(names.get("shortNames", [])),
                categories=set(names.get("categories", [])),
                subresources=set(version.get("subresources", {})),
            )
            self.printer_columns[resource] = version.get("additionalPrinterColumns", [])

    def _openapi(self, path: str) -> dict[str, Any]:
        """OpenAPI v3 discovery: every group-version, each declaring ``fieldValidation``."""
        versions: dict[str, list[kmock.resource]] = {}
        for resource in self._get_resources():
            prefix = "api/v1" if not resource.group else f"apis/{resource.group}/{resource.version}"
            versions.setdefault(prefix, []).append(resource)
        wanted = path.removeprefix("/openapi/v3").strip("/")
        if not wanted:
            return {"paths": {gv: {"serverRelativeURL": f"/openapi/v3/{gv}"} for gv in versions}}
        paths = {}
        for resource in versions.get(wanted, []):
            gvk = {"group": resource.group, "version": resource.version}
            gvk["kind"] = self._kind(resource)
            patch = {
                "x-kubernetes-group-version-kind": gvk,
                "parameters": [{"name": "fieldValidation", "in": "query"}],
                "responses": {"200": {"description": "OK"}},
            }
            paths[f"/{wanted}/{resource.plural}/{{name}}"] = {"patch": patch}
        return {
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "v1.31.0"},
            "paths": paths,
            "components": {"schemas": {}},
        }

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


def _api_version(resource: kmock.resource) -> str:
    return f"{resource.group}/{resource.version}" if resource.group else str(resource.version)


def _list_key(item: dict[str, Any]) -> tuple[str, str]:
    """The order kube-apiserver lists in: namespace, then name."""
    return item["metadata"].get("namespace") or "", item["metadata"]["name"]


def _wants_table(request: kmock.Request) -> bool:
    """kubectl's human output asks for ``application/json;as=Table;...`` first."""
    return "as=Table" in request.headers.get("Accept", "")


def _wants_metadata(request: kmock.Request) -> bool:
    """``application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`` (first): only the
    objects' metadata, as kube-apiserver answers it (``kubectl get --show-kind -o name``, the
    history sweep)."""
    first = request.headers.get("Accept", "").split(",")[0]
    return "as=PartialObjectMetadataList" in first


def _metadata_only(listing: dict[str, Any]) -> dict[str, Any]:
    meta = "meta.k8s.io/v1"
    return {
        "apiVersion": meta,
        "kind": "PartialObjectMetadataList",
        "metadata": listing["metadata"],
        "items": [
            {"apiVersion": meta, "kind": "PartialObjectMetadata", "metadata": item["metadata"]}
            for item in listing["items"]
        ],
    }


class _JsonStreams(web.BaseRequest):
    """A watch is a stream of JSON events; kmock streams as application/octet-stream, which
    kubectl's watch decoder refuses (``kubectl wait`` would fall back to polling)."""

    async def _prepare_hook(self, response: web.StreamResponse) -> None:
        if response.content_type == "application/octet-stream":
            response.content_type = "application/json"


class _ListeningServer(test_utils.RawTestServer):
    """aiohttp's test server with kube-apiserver's listen backlog (the kernel's somaxconn), not
    aiohttp's 128: kopf opens a connection per concurrent request, and a burst of hundreds must
    queue, not lose SYNs that the client resends a second later. Streams are JSON."""

    async def start_server(
        self, loop: asyncio.AbstractEventLoop | None = None, **kwargs: Any
    ) -> None:
        backlogged = functools.partial(SockSite, backlog=4096)
        with mock.patch.object(test_utils, "SockSite", backlogged):
            await super().start_server(loop, **kwargs)

    async def _make_runner(self, debug: bool = True, **kwargs: Any) -> web.ServerRunner:
        loop = asyncio.get_running_loop()

        def request(message: Any, payload: Any, protocol: Any, writer: Any, task: Any) -> Any:
            return _JsonStreams(message, payload, protocol, writer, task, loop)

        # kwargs carry handler_cancellation=True: open watches end at shutdown, not 60 s later.
        server = web.Server(
            self._handler, loop=loop, debug=debug, request_factory=request, **kwargs
        )
        return web.ServerRunner(server, debug=debug, **kwargs)


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


def _namespaces_are_objects(original: Callable[[str], Any]) -> Callable[[str], Any]:
    """kmock reads ``/api/v1/namespaces[/NAME[/status]]`` as a namespace prefix with no resource,
    so ``kubectl create namespace`` fails there. The API server serves it as the cluster-scoped
    resource ``namespaces``; every other path parses as kmock does."""

    def parse(path: str) -> Any:
        parts = path.strip("/").split("/")
        if parts[:3] == ["api", "v1", "namespaces"] and (
            len(parts) <= 4 or (len(parts) == 5 and parts[4] in {"status", "finalize"})
        ):
            name = parts[3] if len(parts) > 3 else None
            sub = parts[4] if len(parts) > 4 else None
            return kmock_parsing.ParsedPath("", "v1", "namespaces", None, name, sub)
        return original(path)

    return parse


kmock_parsing.parse_path = _namespaces_are_objects(kmock_parsing.parse_path)  # type: ignore[assignment]


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def manifest(name: str, spec: dict[str, Any], namespace: str = "ns1") -> dict[str, Any]:
    """A ReleaseNote object."""
    return {
        "apiVersion": f"{API_GROUP}/{API_VERSION}",
        "kind": KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def kubeconfig(path: Path, server: str) -> Path:
    """A kubeconfig pointing at ``server`` (what kopf's and kubectl's kubeconfig login reads)."""
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: emulator\n"
        f"clusters:\n- name: emulator\n  cluster:\n    server: {server}\n"
        "contexts:\n- name: emulator\n  context:\n    cluster: emulator\n    user: nobody\n"
        "users:\n- name: nobody\n  user: {}\n",
        encoding="utf-8",
    )
    return path


async def _serve_until_stopped(bare: bool) -> None:
    """Serve an emulated cluster, print its URL, stop on SIGTERM/SIGINT."""
    cluster = Cluster()
    cluster.resources.load_bundled()
    if not bare:
        cluster.declare()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    async with cluster, api_server(cluster) as server:
        print(str(server.url).rstrip("/"), flush=True)  # noqa: T201 - the parent reads it
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--bare", action="store_true", help="serve built-in resources only; the test applies crds/"
    )
    asyncio.run(_serve_until_stopped(parser.parse_args().bare))

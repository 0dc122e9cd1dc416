"""Marks the history of ReleaseNotes that were deleted while no operator was watching.

ReleaseNotes carry no finalizer: ``kubectl delete``, a namespace teardown or an ArgoCD prune
never waits on relnotes, even when relnotes is down or uninstalled. While the operator runs, the
DELETED watch event marks a resource's history at once (``handlers.forget``). This sweep, at
start and then every ``sweep_interval_seconds``, marks what was deleted unseen: while the operator
was down or upgrading, during a watch reconnect, or while Postgres was unreachable. It lists the
live ReleaseNotes of each namespace that still holds unmarked history (pykube-ng, the same
credentials kopf logs in with) and marks only rows older than the sweep, so a resource created
meanwhile is never taken for a deleted one.
"""

import asyncio
import fnmatch
import logging
from collections.abc import Sequence

import pykube
import requests

from relnotes import API_GROUP, API_VERSION, PLURAL
from relnotes.models.errors import RelnotesError, StoreUnavailable
from relnotes.services.notes import NoteService

__all__ = ["LIST_PAGE", "ClusterInventory", "serves", "sweep_forever"]

# Objects per LIST page, for kopf's initial listing (``chunk_size``) and the sweep alike: a
# cluster keeps every ReleaseNote of years of releases, and one unpaged LIST of 10,000 Ready
# notes is tens of MB of JSON held at once, in the operator and in the API server.
LIST_PAGE = 500
# Only metadata (the uid) is read: the API server answers PartialObjectMetadata, without the
# drafted notes; a server that cannot falls back to whole objects, which carry the same uids.
_METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"

log = logging.getLogger(__name__)


def serves(namespace: str, patterns: Sequence[str]) -> bool:
    """Whether an operator started with ``-n PATTERN...`` serves ``namespace``.

    No patterns means cluster-wide. As in kopf, a pattern is comma-separated globs, ``!glob``
    excludes, and a pattern that starts with an exclusion includes everything else.
    """
    if not patterns:
        return True
    for pattern in patterns:
        globs = [part.strip() for part in pattern.split(",") if part.strip()]
        included = bool(globs) and globs[0].startswith("!")
        for glob in globs:
            if glob.startswith("!") and fnmatch.fnmatchcase(namespace, glob[1:]):
                included = False
            elif not glob.startswith("!") and fnmatch.fnmatchcase(namespace, glob):
                included = True
        if included:
            return True
    return False


class ClusterInventory:
    """The live ReleaseNotes of a namespace, from the Kubernetes API (a paged LIST of metadata)."""

    def __init__(self, *, timeout_s: float) -> None:
        self._timeout_s = timeout_s

    async def uids(self, namespace: str) -> set[str]:
        """The uids of the ReleaseNotes in ``namespace``; StoreUnavailable if the API fails."""
        try:
            return await asyncio.to_thread(self._list, namespace)
        except (pykube.exceptions.PyKubeError, requests.RequestException, OSError) as error:
            raise StoreUnavailable(f"cannot list ReleaseNotes in {namespace}: {error}") from error

    def _list(self, namespace: str) -> set[str]:
        api = pykube.HTTPClient(pykube.KubeConfig.from_env(), timeout=self._timeout_s)
        params, uids = {"limit": str(LIST_PAGE)}, set[str]()
        try:
            while True:
                response = api.get(
                    version=f"{API_GROUP}/{API_VERSION}",
                    namespace=namespace,
                    url=PLURAL,
                    params=params,
                    headers={"Accept": _METADATA_ONLY},
                )
                api.raise_for_status(response)
                listing = response.json()
                uids.update(str(item["metadata"]["uid"]) for item in listing.get("items") or ())
                token = (listing.get("metadata") or {}).get("continue")
                if not token:
                    return uids
                params["continue"] = token
        finally:
            api.session.close()


async def sweep_forever(
    notes: NoteService,
    inventory: ClusterInventory,
    patterns: Sequence[str],
    *,
    interval_s: float,
    timeout_s: float,
    retry_s: float,
) -> None:
    """Sweep now and then every ``interval_s``; a failed sweep is tried again soon.

    After a failure (Postgres or the API down) the next try comes after ``retry_s``, doubling
    per failure up to ``interval_s``: once the store is back, the sweep runs within seconds,
    not a whole interval later.
    """
    failures = 0
    while True:
        try:
            async with asyncio.timeout(timeout_s):
                marked = await notes.sweep(inventory.uids, lambda ns: serves(ns, patterns))
            log.info("history sweep done", extra={"rows": marked})
            failures, delay = 0, interval_s
        except (RelnotesError, TimeoutError) as error:
            delay = min(retry_s * 2.0 ** min(failures, 16), interval_s)
            failures += 1
            log.warning(
                "history sweep failed; will try again",
                extra={"error": str(error), "delay": delay},
            )
        await asyncio.sleep(delay)

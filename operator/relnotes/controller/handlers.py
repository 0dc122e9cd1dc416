"""kopf handlers for ReleaseNote, registered on a registry the caller owns.

Generation runs on create and on a spec change (``field='spec'``: status and metadata churn do not
trigger it). A new value of the ``relnotes.io/regenerate`` annotation forces one regeneration past
the cache. A restarted operator learns what changed while it was down from kopf's own record in
each status (the configuration it last handled, its unfinished handlers), so it re-runs only
those; there is no resume handler, which would cost every Ready note a filter call at each start
(bench/operator_throughput.py's restart).

Deletion is never blocked: there is no finalizer. The DELETED watch event marks the history in
Postgres with a short timeout; what it misses (the operator or Postgres was down) the periodic
sweep marks later (``sweep``).
"""

import gc
import logging
from typing import Any

import kopf

from relnotes import API_GROUP, API_VERSION, PLURAL
from relnotes.config import Settings
from relnotes.controller.context import OperatorContext
from relnotes.controller.diffbase import StatusEssence
from relnotes.controller.probe_server import ProbeServer
from relnotes.controller.reconcile import reconcile
from relnotes.controller.settings import ControllerSettings
from relnotes.controller.status import REGENERATE_ANNOTATION, Observed
from relnotes.controller.sweep import LIST_PAGE
from relnotes.models.errors import InvalidRequest, StoreUnavailable

__all__ = [
    "NAMESPACES",
    "PROBE_PORT",
    "build_registry",
    "configure",
    "context_of",
    "register",
]

log = logging.getLogger(__name__)

NAMESPACES = "namespaces"  # memo key: the -n patterns the operator serves (none: all)
PROBE_PORT = "probe_port"  # memo key: the port of /healthz, /readyz, /metrics (none: no server)
_RESOURCE = (API_GROUP, API_VERSION, PLURAL)
_REGENERATE_FIELD = ("metadata", "annotations", REGENERATE_ANNOTATION)


def context_of(memo: Any) -> OperatorContext:
    """The context the startup handler put into kopf's ``memo``."""
    context = memo["context"]
    if not isinstance(context, OperatorContext):
        raise TypeError("memo holds no OperatorContext; did the startup handler run?")
    return context


def configure(settings: kopf.OperatorSettings) -> None:
    """kopf's persistence, posting and listing: all of kopf's bookkeeping lives in ``status.kopf``.

    Nothing in metadata: a handled change costs one status patch instead of a metadata patch
    and a status patch, GitOps tools see no annotations they did not write, and the operator
    needs no write access to ReleaseNotes beyond their status subresource.
    """
    settings.persistence.progress_storage = kopf.StatusProgressStorage(field="status.kopf.progress")
    settings.persistence.diffbase_storage = StatusEssence(
        field="status.kopf.lastHandledConfiguration"
    )
    settings.posting.loggers = False  # Events are the explicit kopf.info/warn calls only.
    settings.watching.chunk_size = LIST_PAGE  # the initial listing in pages, not all at once


def _deleted(type: str, **_: Any) -> bool:
    """Only the watch event of a resource that is gone (kopf names the argument ``type``)."""
    return type == "DELETED"


def register(registry: kopf.OperatorRegistry) -> None:
    """Register every relnotes handler on ``registry``."""

    @kopf.on.login(id="login", registry=registry)
    def login(**kwargs: Any) -> kopf.ConnectionInfo | None:
        """In a pod, the service account; elsewhere, KUBECONFIG or ~/.kube/config, exec
        plugins (``aws eks get-token``) included: pykube-ng's, as the history sweep uses."""
        info: kopf.ConnectionInfo | None = kopf.login_via_pykube(**kwargs)
        return info

    @kopf.on.startup(id="startup", registry=registry)
    async def startup(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
        config = ControllerSettings()
        configure(settings)
        port = memo.get(PROBE_PORT)
        if port is not None and "probes" not in memo:  # before the context: liveness first
            server = ProbeServer(lambda: memo.get("context"), port=port)
            await server.start()
            memo["probes"] = server
            log.info("probe server listening", extra={"port": server.port})
        try:
            context = await OperatorContext.open(Settings(), config)
        except StoreUnavailable as error:
            raise kopf.TemporaryError(error.message, delay=config.retry_base_seconds) from error
        except (ValueError, InvalidRequest) as error:
            raise kopf.PermanentError(str(error)) from error
        context.kopf_settings = settings
        context.start_sweeper(tuple(memo.get(NAMESPACES) or ()))
        memo["context"] = context
        # Start-up is done: what exists now (modules, classes, validators, pools) lives as long
        # as the process. Out of the collector's generations, a full collection during a burst
        # of resources walks only what the burst allocated: 10 ms instead of 60-100 ms each
        # (bench/operator_throughput.py). Collected first, so no start-up garbage is kept.
        gc.collect()
        gc.freeze()

    @kopf.on.cleanup(id="cleanup", registry=registry)
    async def cleanup(memo: kopf.Memo, **_: Any) -> None:
        if "probes" in memo:
            await memo["probes"].stop()
        if "context" in memo:
            await context_of(memo).close()

    @kopf.on.create(*_RESOURCE, id="generate", registry=registry)
    @kopf.on.update(*_RESOURCE, id="generate", field="spec", registry=registry)
    async def generate(
        body: kopf.Body,
        patch: kopf.Patch,
        retry: int,
        memo: kopf.Memo,
        resource: kopf.Resource,
        **_: Any,
    ) -> None:
        await reconcile(context_of(memo), body, patch, retry, force=False, resource=resource)

    @kopf.on.update(*_RESOURCE, field=_REGENERATE_FIELD, registry=registry)
    async def regenerate(
        body: kopf.Body,
        patch: kopf.Patch,
        retry: int,
        memo: kopf.Memo,
        resource: kopf.Resource,
        **_: Any,
    ) -> None:
        token = Observed.from_body(body, None).token
        handled = (patch.get("status") or {}).get("regenerateToken") or (
            body.get("status") or {}
        ).get("regenerateToken")
        if token is None or token == handled:
            return  # removed, or already handled by a spec change in this same cycle
        await reconcile(context_of(memo), body, patch, retry, force=True, resource=resource)

    @kopf.on.event(*_RESOURCE, id="forget", when=_deleted, registry=registry)
    async def forget(body: kopf.Body, memo: kopf.Memo, **_: Any) -> None:
        ctx = context_of(memo)
        meta = body.metadata
        extra = {"namespace": meta.namespace, "resource": meta.name}
        ctx.metrics.note(str(meta.namespace), str(meta.name), None)
        try:
            marked = await ctx.notes.forget(
                str(meta.uid), timeout_s=ctx.config.delete_timeout_seconds
            )
        except StoreUnavailable as error:
            log.warning("history not marked deleted; the sweep will mark it", extra=extra)
            kopf.warn(body, reason="HistoryNotMarked", message=error.message)
            return
        log.info("history marked deleted", extra={**extra, "rows": marked})


def build_registry() -> kopf.OperatorRegistry:
    """A fresh registry holding relnotes' handlers (what ``relnotes operator`` runs)."""
    registry = kopf.OperatorRegistry()
    register(registry)
    return registry

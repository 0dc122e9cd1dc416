"""kopf handlers for ReleaseNote, registered on a registry the caller owns.

Generation runs on create, on a spec change (``field='spec'``: status and metadata churn do not
trigger it) and on resume when the status does not already describe the current generation. A new
value of the ``relnotes.io/regenerate`` annotation forces one regeneration past the cache.
Deletion marks the history in Postgres once, with a short timeout, and never blocks.
"""

import logging
from typing import Any

import kopf

from relnotes import API_GROUP, API_VERSION, PLURAL
from relnotes.config import Settings
from relnotes.controller import probes
from relnotes.controller.context import OperatorContext
from relnotes.controller.reconcile import reconcile
from relnotes.controller.settings import ControllerSettings
from relnotes.controller.status import REGENERATE_ANNOTATION, Observed
from relnotes.models.errors import StoreUnavailable

__all__ = ["FINALIZER", "build_registry", "configure", "context_of", "needs_generation", "register"]

log = logging.getLogger(__name__)

FINALIZER = f"{API_GROUP}/history"
_RESOURCE = (API_GROUP, API_VERSION, PLURAL)
_REGENERATE_FIELD = ("metadata", "annotations", REGENERATE_ANNOTATION)


def context_of(memo: Any) -> OperatorContext:
    """The context the startup handler put into kopf's ``memo``."""
    context = memo["context"]
    if not isinstance(context, OperatorContext):
        raise TypeError("memo holds no OperatorContext; did the startup handler run?")
    return context


def configure(settings: kopf.OperatorSettings) -> None:
    """kopf's persistence and posting: all of kopf's bookkeeping lives in ``status.kopf``.

    Nothing in metadata: a handled change costs one status patch instead of a metadata patch
    and a status patch, and GitOps tools see no annotations they did not write.
    """
    settings.persistence.finalizer = FINALIZER
    settings.persistence.progress_storage = kopf.StatusProgressStorage(field="status.kopf.progress")
    settings.persistence.diffbase_storage = kopf.StatusDiffBaseStorage(
        field="status.kopf.lastHandledConfiguration"
    )
    settings.posting.loggers = False  # Events are the explicit kopf.info/warn calls only.


def needs_generation(body: kopf.Body, **_: Any) -> bool:
    """False when status already describes this generation and regenerate token."""
    status = body.get("status") or {}
    observed = Observed.from_body(body, None)
    done = status.get("phase") in {"Ready", "Failed"} and (
        status.get("observedGeneration") == observed.generation
    )
    return not done or observed.token != status.get("regenerateToken")


def register(registry: kopf.OperatorRegistry) -> None:
    """Register every relnotes handler on ``registry``."""

    @kopf.on.login(id="login", registry=registry)
    def login(**kwargs: Any) -> kopf.ConnectionInfo | None:
        """In a pod, the service account; elsewhere, KUBECONFIG (or ~/.kube/config)."""
        info: kopf.ConnectionInfo | None = kopf.login_with_service_account(**kwargs)
        return info or kopf.login_with_kubeconfig(**kwargs)

    @kopf.on.startup(id="startup", registry=registry)
    async def startup(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
        config = ControllerSettings()
        configure(settings)
        try:
            memo["context"] = await OperatorContext.open(Settings(), config)
        except StoreUnavailable as error:
            raise kopf.TemporaryError(error.message, delay=config.retry_base_seconds) from error
        except ValueError as error:
            raise kopf.PermanentError(str(error)) from error

    @kopf.on.cleanup(id="cleanup", registry=registry)
    async def cleanup(memo: kopf.Memo, **_: Any) -> None:
        if "context" in memo:
            await context_of(memo).close()

    @kopf.on.create(*_RESOURCE, id="generate", registry=registry)
    @kopf.on.update(*_RESOURCE, id="generate", field="spec", registry=registry)
    @kopf.on.resume(*_RESOURCE, id="generate", when=needs_generation, registry=registry)
    async def generate(
        body: kopf.Body, patch: kopf.Patch, retry: int, memo: kopf.Memo, **_: Any
    ) -> None:
        await reconcile(context_of(memo), body, patch, retry, force=False)

    @kopf.on.update(
        *_RESOURCE, field=("metadata", "annotations", REGENERATE_ANNOTATION), registry=registry
    )
    async def regenerate(
        body: kopf.Body, patch: kopf.Patch, retry: int, memo: kopf.Memo, **_: Any
    ) -> None:
        token = Observed.from_body(body, None).token
        handled = (patch.get("status") or {}).get("regenerateToken") or (
            body.get("status") or {}
        ).get("regenerateToken")
        if token is None or token == handled:
            return  # removed, or already handled by a spec change in this same cycle
        await reconcile(context_of(memo), body, patch, retry, force=True)

    @kopf.on.delete(*_RESOURCE, id="forget", registry=registry)
    async def forget(body: kopf.Body, memo: kopf.Memo, **_: Any) -> None:
        ctx = context_of(memo)
        meta = body.metadata
        extra = {"namespace": meta.namespace, "resource": meta.name}
        try:
            marked = await ctx.notes.forget(
                str(meta.uid), timeout_s=ctx.config.delete_timeout_seconds
            )
        except StoreUnavailable as error:
            log.warning("history not marked deleted; releasing anyway", extra=extra)
            kopf.warn(body, reason="HistoryNotMarked", message=error.message)
            return
        log.info("history marked deleted", extra={**extra, "rows": marked})

    # errors=PERMANENT: a failing check answers HTTP 500 at once; kopf's default would retry the
    # probe activity for a minute while the kubelet's request hangs.
    @kopf.on.probe(id="postgres", errors=kopf.ErrorsMode.PERMANENT, registry=registry)
    async def postgres(memo: kopf.Memo, **_: Any) -> str:
        return await probes.check_postgres(context_of(memo))

    @kopf.on.probe(id="redis", errors=kopf.ErrorsMode.PERMANENT, registry=registry)
    async def redis(memo: kopf.Memo, **_: Any) -> str:
        return await probes.check_redis(context_of(memo))

    @kopf.on.probe(id="model_service", errors=kopf.ErrorsMode.PERMANENT, registry=registry)
    async def model_service(memo: kopf.Memo, **_: Any) -> str:
        return await probes.check_model_service(context_of(memo))


def build_registry() -> kopf.OperatorRegistry:
    """A fresh registry holding relnotes' handlers (what ``relnotes operator`` runs)."""
    registry = kopf.OperatorRegistry()
    register(registry)
    return registry

"""Phase ``Generating`` while a handler still waits: status patched out of band.

kopf applies a handler's own patch only when the handler returns, so a wait of a minute on
another worker's lock or on a slow model showed nothing. ``services.progress`` says when a
generation waits; this patches the status subresource at once, through kopf's own client and
credentials (kopf has no public call for it).
"""

import logging
from datetime import UTC, datetime

import kopf
from kopf._cogs.clients import api as kopf_api
from kopf._cogs.structs.references import NamespaceName

from relnotes.controller.context import OperatorContext
from relnotes.controller.status import Observed, generating
from relnotes.services.notes import Report
from relnotes.storage.note_store import NoteRef

__all__ = ["status_reporter"]

log = logging.getLogger(__name__)


def status_reporter(
    ctx: OperatorContext, resource: kopf.Resource, observed: Observed, ref: NoteRef
) -> Report:
    """Patch phase ``Generating`` with its reason while the handler still waits.

    kopf applies a handler's own patch only when the handler returns, so a wait of a minute
    would show nothing; this patches the status subresource at once, through kopf's client
    (kopf has no public call for it), with kopf's credentials.
    """
    namespace = NamespaceName(ref.namespace)
    url = resource.get_url(namespace=namespace, name=ref.name, subresource="status")

    async def report(reason: str, message: str) -> None:
        status = generating(observed, reason=reason, message=message, now=datetime.now(UTC))
        await kopf_api.patch(
            url=url,
            headers={"Content-Type": "application/merge-patch+json"},
            payload={"status": status},
            settings=ctx.kopf_settings,
            logger=log,
        )
        log.info(
            "generation waits",
            extra={"namespace": ref.namespace, "resource": ref.name, "reason": reason},
        )

    return report

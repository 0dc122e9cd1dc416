"""One attempt at a ReleaseNote: validate, produce, report; failures become kopf's verdicts.

Domain errors say whether a retry can help. Retryable ones (model or store unavailable, a reply
that failed validation fewer than ``invalid_output_attempts`` times in a row for this generation
and regenerate token) become
``TemporaryError`` with a capped exponential delay; the rest become ``PermanentError`` with the
phase ``Failed``. Either way the status and an Event say why, in the same words.
"""

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

import kopf
from pydantic import ValidationError

from relnotes.controller.context import OperatorContext
from relnotes.controller.reporting import status_reporter
from relnotes.controller.status import (
    REGENERATE_ANNOTATION,
    Observed,
    Phase,
    Stage,
    failure,
    ready,
)
from relnotes.models.errors import (
    InvalidOutput,
    ModelUnavailable,
    RelnotesError,
    StoreUnavailable,
)
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.breaker import CircuitOpen
from relnotes.storage.note_store import NoteRef

__all__ = ["parse_spec", "reconcile"]

log = logging.getLogger(__name__)


def parse_spec(raw: object) -> ReleaseNoteSpec:
    """The spec as a model, or ``ValueError`` whose message names the field, e.g. spec.tone.

    A spec that is not an object at all (a list, a string, null: the API server refuses them
    under the CRD's schema, an emulator or a CRD-less cluster may not) is an invalid spec too.
    """
    if not isinstance(raw, Mapping):
        kind = "null" if raw is None else type(raw).__name__
        raise ValueError(f"spec: must be an object with changeSummary, not {kind}")
    try:
        return ReleaseNoteSpec.model_validate(dict(raw))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise ValueError(f"spec.{where}: {first['msg']}") from error


async def reconcile(
    ctx: OperatorContext,
    body: kopf.Body,
    patch: kopf.Patch,
    retry: int,
    *,
    force: bool,
    resource: kopf.Resource | None = None,
) -> None:
    """Generate and record the note for ``body``'s current generation; patch status."""
    observed = Observed.from_body(body, ctx.settings.view_base_url)
    meta = body.metadata
    ref = NoteRef(str(meta.uid), observed.generation, str(meta.namespace), str(meta.name))
    extra = {"namespace": ref.namespace, "resource": ref.name, "generation": ref.generation}
    now = datetime.now(UTC)
    try:
        spec = parse_spec(body.get("spec"))
    except ValueError as error:
        message = str(error)
        patch.status.update(
            failure(
                observed,
                stage="Accepted",
                phase="Failed",
                reason="InvalidSpec",
                message=message,
                now=now,
            )
        )
        kopf.warn(body, reason="InvalidSpec", message=message)
        log.warning("invalid spec", extra={**extra, "error": message})
        ctx.metrics.reconciles.labels("failed").inc()
        ctx.metrics.note(ref.namespace, ref.name, False)
        raise kopf.PermanentError(message) from error
    try:
        report = status_reporter(ctx, resource, observed, ref) if resource is not None else None
        regenerate = observed.token if force else None
        generation = await ctx.notes.produce(ref, spec, regenerate=regenerate, report=report)
    except RelnotesError as error:
        ctx.metrics.note(ref.namespace, ref.name, False)
        raise await _verdict(ctx, body, patch, observed, ref, spec, error, retry) from error
    patch.status.update(ready(observed, generation, now=now))
    ctx.metrics.generation_seconds.observe((datetime.now(UTC) - now).total_seconds())
    ctx.metrics.reconciles.labels("cache_hit" if generation.cache_hit else "ready").inc()
    if generation.cache_hit:
        ctx.metrics.cache_hits.inc()
    ctx.metrics.note(ref.namespace, ref.name, True)
    provenance = generation.note.provenance
    if generation.cache_hit:
        kopf.info(body, reason="CacheHit", message=f"note reused from cache {generation.cache_key}")
    else:
        kopf.info(
            body,
            reason="Generated",
            message=f"note drafted by {provenance.provider}/{provenance.model}"
            f" in {provenance.latency_ms} ms ({provenance.usage.total_tokens} tokens)",
        )


async def _verdict(
    ctx: OperatorContext,
    body: kopf.Body,
    patch: kopf.Patch,
    observed: Observed,
    ref: NoteRef,
    spec: ReleaseNoteSpec,
    error: RelnotesError,
    retry: int,
) -> kopf.TemporaryError | kopf.PermanentError:
    """Status, Event and log for a failed attempt; the kopf error to raise."""
    # A fast failure of the open circuit is the same outage to the user: ModelUnavailable.
    reason = ModelUnavailable.__name__ if isinstance(error, CircuitOpen) else type(error).__name__
    stage: Stage = "Persisted" if isinstance(error, StoreUnavailable) else "Generated"
    invalid = observed.invalid_outputs + 1 if isinstance(error, InvalidOutput) else None
    exhausted = invalid is not None and invalid >= ctx.config.invalid_output_attempts
    extra = {"namespace": ref.namespace, "resource": ref.name, "reason": reason, "retry": retry}
    kopf.warn(body, reason=reason, message=error.message)
    retrying = error.retryable and not exhausted
    delay = ctx.config.backoff(retry, error.retry_after) if retrying else 0.0
    if isinstance(error, CircuitOpen) and error.retry_after is not None:
        delay = error.retry_after  # the breaker's next probe, shared by every waiting note
    phase: Phase = "Retrying" if retrying else "Failed"
    ctx.metrics.reconciles.labels("retrying" if retrying else "failed").inc()
    if isinstance(error, StoreUnavailable):
        ctx.metrics.store_errors.labels("postgres").inc()
    elif isinstance(error, ModelUnavailable) and not isinstance(error, CircuitOpen):
        ctx.metrics.store_errors.labels("model").inc()
    if retrying:
        message = f"{error.message}; retrying in {delay:g}s"
    elif exhausted:
        reason = "InvalidOutputExhausted"
        message = (
            f"the model gave {invalid} invalid replies in a row for this spec: {error.message};"
            f" drafted again on the next spec change or a new {REGENERATE_ANNOTATION} value"
        )
    else:
        message = error.message
    patch.status.update(
        failure(
            observed,
            stage=stage,
            phase=phase,
            reason=reason,
            message=message,
            now=datetime.now(UTC),
            invalid_outputs=invalid,
        )
    )
    if retrying:
        log.warning("attempt failed; will retry", extra={**extra, "delay": delay})
        return kopf.TemporaryError(message, delay=delay)
    log.error("attempt failed for good", extra={**extra, "error": message})
    try:
        await ctx.notes.fail(ref, spec, f"{reason}: {message}")
    except StoreUnavailable:
        log.warning("failure not recorded in postgres", extra=extra)
    return kopf.PermanentError(message)

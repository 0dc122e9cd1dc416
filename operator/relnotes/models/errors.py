"""Domain errors, each saying whether trying again can help.

Storage and engine adapters translate library exceptions (redis, psycopg, openai) into these at
their edge, so the controller maps ``retryable`` to kopf's TemporaryError / PermanentError and the
model-service maps ``status`` to an HTTP code without knowing any library.
"""

__all__ = [
    "InvalidOutput",
    "InvalidRequest",
    "ModelUnavailable",
    "RelnotesError",
    "StoreUnavailable",
    "UpstreamRejected",
]


class RelnotesError(Exception):
    """Base of relnotes' domain errors."""

    retryable: bool = False
    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class InvalidRequest(RelnotesError):
    """The input breaks a rule; the message names the field and the limit."""

    status = 400
    code = "invalid_request_error"


class ModelUnavailable(RelnotesError):
    """The model (upstream or model-service) is down, slow, rate-limited or erroring."""

    retryable = True
    status = 503
    code = "model_unavailable"


class UpstreamRejected(RelnotesError):
    """The upstream refused the request itself (bad key, unknown model): a retry won't help."""

    status = 502
    code = "upstream_rejected"


class InvalidOutput(RelnotesError):
    """The model's reply failed schema validation, even after a repair attempt."""

    retryable = True
    status = 502
    code = "invalid_model_output"


class StoreUnavailable(RelnotesError):
    """A store (Postgres, Redis, the Kubernetes API the sweep lists) is unreachable or slow."""

    retryable = True
    status = 503
    code = "store_unavailable"

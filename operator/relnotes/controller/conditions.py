"""Kubernetes-style status conditions, merged without losing when each last changed.

Pure functions: the controller says what is true now, and ``merge`` keeps
``lastTransitionTime`` when a condition's status did not change (so ``kubectl describe`` and
ArgoCD see when something really changed, not when it was last looked at).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

__all__ = ["TYPES", "Condition", "merge"]

TYPES = ("Accepted", "Generated", "Persisted", "Ready")

Status = Literal["True", "False", "Unknown"]


@dataclass(frozen=True)
class Condition:
    """What is true now about one condition type."""

    type: str
    status: Status
    reason: str
    message: str = ""


def merge(
    existing: Sequence[Mapping[str, Any]],
    updates: Iterable[Condition],
    *,
    generation: int,
    now: datetime,
) -> list[dict[str, Any]]:
    """All of ``TYPES``, in order: updated ones applied, others kept, missing ones Unknown."""
    previous = {str(c.get("type")): c for c in existing}
    changed = {c.type: c for c in updates}
    stamp = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    merged: list[dict[str, Any]] = []
    for kind in TYPES:
        old = previous.get(kind)
        new = changed.get(kind)
        if new is None and old is not None:
            merged.append(dict(old))
            continue
        if new is None:
            new = Condition(kind, "Unknown", "Pending", "not evaluated yet")
        same = old is not None and old.get("status") == new.status
        merged.append(
            {
                "type": kind,
                "status": new.status,
                "reason": new.reason,
                "message": new.message[:32768],
                "lastTransitionTime": (old.get("lastTransitionTime") if same and old else None)
                or stamp,
                "observedGeneration": generation,
            }
        )
    return merged

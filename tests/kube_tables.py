"""Server-side printing, as kube-apiserver does it for ``kubectl get``: a ``meta.k8s.io/v1``
Table whose columns are a CRD's ``additionalPrinterColumns`` (Name first, as the API server adds
it), evaluated with the JSONPath subset CRDs use (``.a.b``, ``.a[?(@.k=="v")].b``, ``.a[0]``).
Resources without printer columns print Name and Age, as the API server's default does.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

__all__ = ["jsonpath", "printer_table"]

_STEP = re.compile(r"\.([A-Za-z0-9_-]+)|\[\?\(@\.([A-Za-z0-9_]+)==\"([^\"]*)\"\)\]|\[(\d+)\]")
_DEFAULT = [{"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]


def jsonpath(obj: Any, path: str) -> Any:
    """The value at ``path`` in ``obj``, or None where the path leads nowhere."""
    found: Any = obj
    for step in _STEP.finditer(path):
        key, field, value, index = step.groups()
        if key is not None:
            found = found.get(key) if isinstance(found, dict) else None
        elif field is not None:
            matches = [i for i in found or [] if isinstance(i, dict) and i.get(field) == value]
            found = matches[0] if matches else None
        else:
            found = (
                found[int(index)] if isinstance(found, list) and len(found) > int(index) else None
            )
        if found is None:
            return None
    return found


def _age(timestamp: str) -> str:
    """kubectl's short human duration: 41s, 5m12s, 3h, 2d."""
    then = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    seconds = int((datetime.datetime.now(datetime.UTC) - then).total_seconds())
    if seconds < 120:
        return f"{max(seconds, 0)}s"
    if seconds < 600:
        return f"{seconds // 60}m{seconds % 60}s"
    if seconds < 3 * 3600:
        return f"{seconds // 60}m"
    if seconds < 48 * 3600:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def _cell(obj: dict[str, Any], column: dict[str, Any]) -> Any:
    value = jsonpath(obj, column["jsonPath"])
    if value is not None and column["type"] == "date":
        return _age(str(value))
    return value


def printer_table(
    items: list[dict[str, Any]], columns: list[dict[str, Any]], metadata: dict[str, Any]
) -> dict[str, Any]:
    """The Table kube-apiserver answers to ``Accept: application/json;as=Table;...``."""
    columns = columns or _DEFAULT
    definitions = [{"name": "Name", "type": "string", "format": "name", "priority": 0}]
    definitions += [
        {"name": c["name"], "type": c["type"], "format": "", "priority": c.get("priority", 0)}
        for c in columns
    ]
    rows = [
        {
            "cells": [item["metadata"]["name"], *(_cell(item, c) for c in columns)],
            "object": {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": item["metadata"],
            },
        }
        for item in items
    ]
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": definitions,
        "rows": rows,
    }

"""kopf's per-object log records, made fit for one-JSON-object-per-line logs.

kopf attaches the object reference (``k8s_ref``) and its whole ``OperatorSettings`` to every
record of an object's logger; a JSON formatter would serialise the settings on every line. This
filter lifts the namespace and name into ``namespace`` and ``resource`` (``name`` is taken by
the logger's name), as relnotes' own logs carry them, and drops the rest.
"""

import logging

__all__ = ["KopfFields", "install"]

_DROPPED = ("settings", "k8s_ref", "k8s_skip")


class KopfFields(logging.Filter):
    """Turn ``k8s_ref`` into ``namespace``/``resource`` and drop kopf's bulky record attributes."""

    def filter(self, record: logging.LogRecord) -> bool:
        ref = getattr(record, "k8s_ref", None)
        if isinstance(ref, dict):
            record.__dict__.setdefault("namespace", ref.get("namespace"))
            record.__dict__.setdefault("resource", ref.get("name"))
        for attribute in _DROPPED:
            record.__dict__.pop(attribute, None)
        return True


def install() -> None:
    """Add the filter to every handler of the root logger (call after configuring logging)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(KopfFields())

"""Which format a request wants: a ``.md``/``.json`` suffix, else ``?format=``, else ``Accept``.

``Accept`` is read with its q-values (RFC 9110 §12.5.1): ``text/html;q=0.1, application/json``
asks for JSON. Responses say ``Vary: Accept`` so a shared cache keeps the formats apart.
"""

from aiohttp import web

from relnotes.models.errors import InvalidRequest

__all__ = ["FORMATS", "MEDIA_TYPES", "choose_format", "split_suffix"]

FORMATS = ("html", "md", "json")
MEDIA_TYPES = {"html": "text/html", "md": "text/markdown", "json": "application/json"}
_OFFERS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "application/json": "json",
}
_SUFFIXES = {".md": "md", ".json": "json"}
FORMAT_KEY = web.RequestKey("format", str)


def split_suffix(name: str) -> tuple[str, str | None]:
    """``name`` without a format suffix, and the format the suffix names (if any)."""
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], fmt
    return name, None


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def _from_accept(accept: str, default: str) -> str:
    best, best_q, best_specific = default, -1.0, -1
    for item in accept.split(",")[:32]:
        media, *parameters = item.split(";")
        media = media.strip().lower()
        q = _quality(parameters)
        if q <= 0:
            continue
        if media in _OFFERS:
            fmt, specific = _OFFERS[media], 2
        elif media in ("*/*", "text/*"):
            fmt, specific = ("html" if media == "text/*" else default), 0
        else:
            continue
        # Highest q wins; at equal q a named type beats a wildcard, then the earlier one.
        if (q, specific) > (best_q, best_specific):
            best, best_q, best_specific = fmt, q, specific
    return best


def choose_format(request: web.Request, suffix: str | None = None, default: str = "html") -> str:
    """The format for ``request``; a bad ``?format=`` is a 400 naming the parameter."""
    if suffix is not None:
        return suffix
    wanted = request.query.get("format")
    if wanted is not None:
        if wanted not in FORMATS:
            raise InvalidRequest(f"format: must be one of html, md, json (got {wanted[:20]!r})")
        return wanted
    accept = request.headers.get("Accept")
    return _from_accept(accept, default) if accept else default

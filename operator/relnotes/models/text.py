"""Text hardening applied to everything a user writes before a model sees it.

Control characters and invisible format characters (zero-width spaces, bidi overrides, tag
characters) can hide instructions from a human reviewer while a model still reads them, so they
are removed, not escaped. NFKC folds look-alike compatibility forms into plain letters.
"""

import re
import unicodedata

__all__ = ["clean_text"]

_KEEP = {"\n", "\t"}
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: str) -> str:
    """Return ``value`` normalised, without control/format/private-use characters."""
    normalised = unicodedata.normalize("NFKC", value).replace("\r\n", "\n")
    kept = "".join(
        ch
        for ch in normalised
        if ch in _KEEP or unicodedata.category(ch) not in {"Cc", "Cf", "Co", "Cs", "Cn"}
    )
    kept = _SPACES.sub(" ", kept)
    return _BLANK_LINES.sub("\n\n", kept).strip()

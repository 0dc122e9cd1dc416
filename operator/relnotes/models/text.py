"""Text hardening applied to everything a user writes before a model sees it.

Control characters and invisible format characters (zero-width spaces, bidi overrides, tag
characters) can hide instructions from a human reviewer while a model still reads them, so they
are removed, not escaped. NFKC folds look-alike compatibility forms into plain letters.
"""

import re
import unicodedata

__all__ = ["clean_text", "visible_characters"]

_KEEP = {"\n", "\t"}
_VISIBLE = frozenset("LMNPS")  # Unicode letters, marks, numbers, punctuation, symbols
_DROPPED = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: str) -> str:
    """Return ``value`` normalised, without control/format/private-use characters.

    ASCII text (nearly every summary) takes a regex path: NFKC leaves it unchanged and its only
    characters to drop are the C0 controls and DEL, so the per-character scan is skipped.
    """
    normalised = value.replace("\r\n", "\n")
    if normalised.isascii():
        kept = _ASCII_CONTROLS.sub("", normalised)
    else:
        normalised = unicodedata.normalize("NFKC", normalised)
        kept = "".join(
            ch for ch in normalised if ch in _KEEP or unicodedata.category(ch) not in _DROPPED
        )
    kept = _SPACES.sub(" ", kept)
    return _BLANK_LINES.sub("\n\n", kept).strip()


def visible_characters(value: str) -> int:
    """How many characters of ``value`` are visible: Unicode categories L, M, N, P and S.

    The CRD's CEL rule counts the same classes (RE2's ``\\pL\\pM\\pN\\pP\\pS``) on the
    same raw text, so the API server and the operator accept exactly the same summaries.
    """
    if value.isascii():
        return sum(1 for ch in value if "!" <= ch <= "~")
    return sum(1 for ch in value if unicodedata.category(ch)[0] in _VISIBLE)

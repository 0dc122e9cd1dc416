"""Regular expressions compiled on first use, so a module full of them costs nothing to import.

The offline engine holds some 140 patterns and a draft uses a few dozen of them: compiling all of
them at import took a sixth of ``relnotes render``'s start-up. A ``LazyPattern`` is declared
where a compiled pattern was, reads the same at the call site, and compiles when first matched.
"""

import re
from collections.abc import Callable, Iterator

__all__ = ["LazyPattern"]


class LazyPattern:
    """``re.compile(pattern, flags)``, deferred to the first match.

    Thread-safe without a lock: two threads racing on the first use both compile the same source
    and store equal patterns (``re``'s own cache usually hands both the same object), so every
    caller matches with a correct pattern whichever store lands last.
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern, compiled now if this is its first use."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self.flags)
        return compiled

    def search(self, string: str, pos: int = 0) -> re.Match[str] | None:
        """``re.Pattern.search``."""
        return self.compiled.search(string, pos)

    def match(self, string: str, pos: int = 0) -> re.Match[str] | None:
        """``re.Pattern.match``."""
        return self.compiled.match(string, pos)

    def fullmatch(self, string: str) -> re.Match[str] | None:
        """``re.Pattern.fullmatch``."""
        return self.compiled.fullmatch(string)

    def finditer(self, string: str, pos: int = 0) -> Iterator[re.Match[str]]:
        """``re.Pattern.finditer``."""
        return self.compiled.finditer(string, pos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        """``re.Pattern.sub``."""
        return self.compiled.sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        """``re.Pattern.split``."""
        return self.compiled.split(string, maxsplit)

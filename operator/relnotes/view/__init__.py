"""The read-only HTTP view of generated notes (HTML, Markdown, JSON)."""

__all__: list[str] = []

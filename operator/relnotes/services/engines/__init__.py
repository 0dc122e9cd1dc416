"""Engines that answer chat-completions requests: offline (deterministic) or upstream (OpenAI)."""

__all__: list[str] = []

"""The model-service: an OpenAI-compatible chat-completions server in front of relnotes' engines."""

__all__: list[str] = []

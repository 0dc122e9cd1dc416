"""Services: generation, drafting and rendering; free of kopf and aiohttp.web."""

__all__: list[str] = []

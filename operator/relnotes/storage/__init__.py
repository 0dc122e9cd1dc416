"""Storage adapters: the only modules that import redis and psycopg.

Each translates its library's exceptions into ``relnotes.models.errors`` at the edge.
"""

__all__: list[str] = []

"""The kopf controller: ReleaseNote resources in, notes and truthful status out.

Handlers are registered on a registry built by ``handlers.build_registry`` (or, for
``kopf run -m relnotes.controller.main``, on kopf's default registry by that entry module only).
"""

__all__: list[str] = []

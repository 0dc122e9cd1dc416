"""Entry module for ``kopf run -m relnotes.controller.main``.

``kopf run`` loads handlers from kopf's default registry, so registering them there is this
module's one import-time effect, and the reason it is separate from ``handlers``. Logging is
configured by ``kopf run`` itself; ``relnotes operator`` is the JSON-logging entry point.
"""

import kopf

from relnotes.controller.handlers import register

__all__: list[str] = []

register(kopf.get_default_registry())

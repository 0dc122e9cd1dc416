"""relnotes: turn ReleaseNote resources into release notes drafted by an LLM.

The package is split in one-way layers: ``controller``, ``modelservice``, ``view`` and ``cli``
call ``services``, which call ``storage``, which speak in ``models``. Importing any module has no
side effects: pools, clients and servers are built by the process that needs them.
"""

__all__ = ["API_GROUP", "API_VERSION", "KIND", "PLURAL"]

API_GROUP = "relnotes.io"
API_VERSION = "v1alpha1"
KIND = "ReleaseNote"
PLURAL = "releasenotes"

"""Generating notes for a batch of manifests in one process: ``relnotes render``'s service.

Manifests are drafted one after another through the shared generator, so repeated inputs in one
batch cost one draft (the cache answers the rest).
"""

from dataclasses import dataclass
from typing import Any

from relnotes.config import Settings
from relnotes.models.errors import RelnotesError
from relnotes.models.manifest import ReleaseNoteManifest
from relnotes.services.drafting import build_drafter
from relnotes.services.generation import Generation, NoteGenerator
from relnotes.services.rendering import note_markdown
from relnotes.storage.cache import MemoryCache

__all__ = ["RenderedNote", "render_batch"]


@dataclass(frozen=True)
class RenderedNote:
    """A manifest and its generation."""

    manifest: ReleaseNoteManifest
    generation: Generation

    def markdown(self) -> str:
        """The note as Markdown, titled ``namespace/name``."""
        return note_markdown(self.manifest.ref, self.manifest.spec, self.generation.note)

    def document(self) -> dict[str, Any]:
        """The note as a JSON-ready document with the manifest's own field names."""
        note = self.generation.note
        return {
            "metadata": {
                "name": self.manifest.metadata.name,
                "namespace": self.manifest.metadata.namespace,
            },
            "spec": self.manifest.spec.to_manifest(),
            "result": note.draft.model_dump(mode="json", by_alias=True),
            "provenance": note.provenance.model_dump(mode="json", by_alias=True),
            "cacheKey": self.generation.cache_key,
            "cacheHit": self.generation.cache_hit,
        }


async def render_batch(
    manifests: list[ReleaseNoteManifest], settings: Settings
) -> list[RenderedNote]:
    """Draft every manifest with ``settings``' model path and an in-memory cache."""
    drafter = build_drafter(settings)
    generator = NoteGenerator(drafter, MemoryCache(), ttl_s=settings.cache_ttl_seconds)
    rendered: list[RenderedNote] = []
    try:
        for manifest in manifests:
            model = manifest.spec.model or settings.default_model()
            try:
                rendered.append(
                    RenderedNote(manifest, await generator.generate(manifest.spec, model))
                )
            except RelnotesError as error:  # the same error, saying which note it stopped at
                named = type(error)(
                    f"{manifest.ref}: {error.message}", retry_after=error.retry_after
                )
                raise named from error
    finally:
        await drafter.aclose()
    return rendered

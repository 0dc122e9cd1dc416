"""A ReleaseNote manifest as users write it: ``apiVersion``, ``kind``, ``metadata``, ``spec``.

``relnotes render`` reads these from files; the API server reads the same documents through the
CRD, so both reject the same mistakes.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from relnotes.models.spec import ReleaseNoteSpec

__all__ = ["ObjectMeta", "ReleaseNoteManifest"]

DnsLabel = Annotated[
    str, StringConstraints(max_length=253, pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
]


class ObjectMeta(BaseModel):
    """The parts of ``metadata`` relnotes reads; the rest belongs to Kubernetes."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: DnsLabel
    namespace: DnsLabel = "default"


class ReleaseNoteManifest(BaseModel):
    """One ``ReleaseNote`` document."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    api_version: Literal["relnotes.io/v1alpha1"] = Field(alias="apiVersion")
    kind: Literal["ReleaseNote"] = Field(alias="kind")
    metadata: ObjectMeta
    spec: ReleaseNoteSpec

    @property
    def ref(self) -> str:
        """``namespace/name``, as kubectl prints it."""
        return f"{self.metadata.namespace}/{self.metadata.name}"

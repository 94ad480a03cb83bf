"""Where the service finds its models: the bundled models directory, or a store's catalogue that changes at run time.

Every prediction use case takes ``ModelsAt`` (a models directory, as before, or a ``Catalogue``) and asks it
for a model once per request, through ``snapshot()``: a catalogue that swaps versions at run time hands
each request an unchanging view, so a request that reads a model's spec and then answers with it never
meets two versions. The bundled directory never changes, so it is its own snapshot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, TypeAlias

from core.errors import ModelUnavailableError, UnknownVersionError
from core.prediction.artifacts import ServedModel, artifact_path, load_model, read_metadata
from core.prediction.registry import model_spec, model_specs
from core.prediction.spec import ModelSpec


class Catalogue(Protocol):
    """The models a service answers with, and the version of each it answers with by default."""

    def specs(self) -> dict[str, ModelSpec]:
        """Every model by name, in alphabetical order (a model that cannot be served included)."""
        ...

    def served(self, name: str, version: str | None = None) -> ServedModel:
        """The model, loaded: its default version, or the pinned ``version`` (``UnknownVersionError`` if none)."""
        ...

    def metadata(self, name: str) -> dict[str, Any]:
        """The default version's metadata; ``ModelUnavailableError`` (saying why) when it cannot be served."""
        ...

    def snapshot(self) -> Catalogue:
        """A view that does not change for as long as it is held: what one request or one job answers with."""
        ...


ModelsAt: TypeAlias = Path | Catalogue
"""A models directory (the bundled ``models/`` by default) or a catalogue."""


def unknown_version(name: str, version: str, served: str) -> UnknownVersionError:
    return UnknownVersionError(
        f"model {name!r} has no version {version!r}; this service answers with {served!r} by default",
        field="version",
    )


class BundledCatalogue:
    """The models of one directory, as shipped in the deploy: one version each, loaded once per process."""

    def __init__(self, models_dir: Path) -> None:
        self.models_dir = models_dir

    def specs(self) -> dict[str, ModelSpec]:
        return model_specs(self.models_dir)

    def served(self, name: str, version: str | None = None) -> ServedModel:
        model = load_model(model_spec(name, self.models_dir), self.models_dir)
        if version is not None and version != model.version:
            raise unknown_version(name, version, model.version)
        return model

    def metadata(self, name: str) -> dict[str, Any]:
        metadata = read_metadata(model_spec(name, self.models_dir), self.models_dir)
        if not artifact_path(self.models_dir, name).is_file():
            raise ModelUnavailableError(f"model {name!r} has no artifact", field="model")
        return metadata

    def snapshot(self) -> BundledCatalogue:
        return self


def catalogue_of(models: ModelsAt) -> Catalogue:
    """The catalogue ``models`` names: a directory's, or ``models`` itself."""
    return BundledCatalogue(models) if isinstance(models, Path) else models


def snapshot_of(models: ModelsAt) -> Catalogue:
    """One unchanging view of ``models``, taken once at the start of a request or a job."""
    return catalogue_of(models).snapshot()

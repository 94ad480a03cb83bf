"""The models: every module of ``core/prediction/models/`` that declares ``SPEC = ModelSpec(...)``, and every
model imported into the models directory (``serverless-ml models import``), whose spec its metadata holds.

A declared model wins over an imported one of the same name. ``MODELS`` alone is the declared ones (what
``make models`` trains).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import UnknownModelError
from core.paths import MODELS_DIR
from core.prediction.imported import imported_specs
from core.prediction.spec import ModelSpec
from core.registry import Registry

if TYPE_CHECKING:
    from core.prediction.catalogue import Catalogue

MODELS: Registry[ModelSpec] = Registry("core.prediction.models", ModelSpec, "model", "models", UnknownModelError)

declared_specs = MODELS.all


def model_specs(models_dir: Path | Catalogue = MODELS_DIR) -> dict[str, ModelSpec]:
    """Every servable model by name, declared or imported into ``models_dir``, in alphabetical order; a
    catalogue (``core.prediction.catalogue``: a store's) answers for itself."""
    if not isinstance(models_dir, Path):
        return models_dir.specs()
    return dict(sorted({**imported_specs(models_dir), **MODELS.all()}.items()))


def model_spec(name: str, models_dir: Path | Catalogue = MODELS_DIR) -> ModelSpec:
    """One model; ``UnknownModelError`` naming the known ones for any other name."""
    specs = model_specs(models_dir)
    if name not in specs:
        raise UnknownModelError(f"unknown model {name!r}; known models: {', '.join(specs)}", field="model")
    return specs[name]


def forget() -> None:
    """Find the models again on next use: after one is added or imported while the process runs."""
    MODELS.forget()
    imported_specs.cache_clear()

"""Finds every model declared in ``core/models/``: adding a model is adding a module there, nothing else."""

from __future__ import annotations

import functools

import core.models
from core.discovery import declared_specs
from core.errors import UnknownModelError
from core.modelspec import ModelSpec


@functools.cache
def model_specs() -> dict[str, ModelSpec]:
    """Every declared model by name, in a stable (alphabetical) order."""
    return declared_specs(core.models, ModelSpec, "model")


def model_spec(name: str) -> ModelSpec:
    """The spec of one model; ``UnknownModelError`` (naming the known ones) for any other name."""
    specs = model_specs()
    if name not in specs:
        known = ", ".join(specs)
        raise UnknownModelError(f"unknown model {name!r}; known models: {known}", field="model")
    return specs[name]

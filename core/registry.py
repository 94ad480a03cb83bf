"""Finds every model declared in ``core/models/``: adding a model is adding a module there, nothing else."""

from __future__ import annotations

import functools
import importlib
import pkgutil

import core.models
from core.errors import UnknownModelError
from core.modelspec import ModelSpec


@functools.cache
def model_specs() -> dict[str, ModelSpec]:
    """Every declared model by name, in a stable (alphabetical) order."""
    specs: dict[str, ModelSpec] = {}
    for info in sorted(pkgutil.iter_modules(core.models.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"core.models.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, ModelSpec):
            if spec.name in specs:
                raise RuntimeError(f"two modules declare the model {spec.name!r}")
            specs[spec.name] = spec
    return dict(sorted(specs.items()))


def model_spec(name: str) -> ModelSpec:
    """The spec of one model; ``UnknownModelError`` (naming the known ones) for any other name."""
    specs = model_specs()
    if name not in specs:
        known = ", ".join(specs)
        raise UnknownModelError(f"unknown model {name!r}; known models: {known}", field="model")
    return specs[name]

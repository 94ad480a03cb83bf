"""Finds every analysis declared in ``core/analyses/``: adding an analysis is adding a module there, nothing else."""

from __future__ import annotations

import functools
import importlib
import pkgutil

import core.analyses
from core.analysis_spec import AnalysisSpec
from core.errors import NotFoundError


@functools.cache
def analysis_specs() -> dict[str, AnalysisSpec]:
    """Every declared analysis by name, in a stable (alphabetical) order."""
    specs: dict[str, AnalysisSpec] = {}
    for info in sorted(pkgutil.iter_modules(core.analyses.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"core.analyses.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, AnalysisSpec):
            if spec.name in specs:
                raise RuntimeError(f"two modules declare the analysis {spec.name!r}")
            specs[spec.name] = spec
    return dict(sorted(specs.items()))


def analysis_spec(name: str) -> AnalysisSpec:
    """The spec of one analysis; ``NotFoundError`` (naming the known ones) for any other name."""
    specs = analysis_specs()
    if name not in specs:
        raise NotFoundError(f"unknown analysis {name!r}; known analyses: {', '.join(specs)}", field="analysis")
    return specs[name]

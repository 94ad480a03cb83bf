"""Finds every analysis declared in ``core/analyses/``: adding an analysis is adding a module there, nothing else."""

from __future__ import annotations

import functools

import core.analyses
from core.analysis_spec import AnalysisSpec
from core.discovery import declared_specs
from core.errors import NotFoundError


@functools.cache
def analysis_specs() -> dict[str, AnalysisSpec]:
    """Every declared analysis by name, in a stable (alphabetical) order."""
    return declared_specs(core.analyses, AnalysisSpec, "analysis")


def analysis_spec(name: str) -> AnalysisSpec:
    """The spec of one analysis; ``NotFoundError`` (naming the known ones) for any other name."""
    specs = analysis_specs()
    if name not in specs:
        raise NotFoundError(f"unknown analysis {name!r}; known analyses: {', '.join(specs)}", field="analysis")
    return specs[name]

"""The analyses: every module of ``core/analysis/analyses/`` that declares ``SPEC = AnalysisSpec(...)``."""

from __future__ import annotations

from core.analysis.spec import AnalysisSpec
from core.errors import NotFoundError
from core.registry import Registry

ANALYSES: Registry[AnalysisSpec] = Registry(
    "core.analysis.analyses", AnalysisSpec, "analysis", "analyses", NotFoundError
)

analysis_specs = ANALYSES.all
analysis_spec = ANALYSES.get

"""The models: every module of ``core/prediction/models/`` that declares ``SPEC = ModelSpec(...)``."""

from __future__ import annotations

from core.errors import UnknownModelError
from core.prediction.spec import ModelSpec
from core.registry import Registry

MODELS: Registry[ModelSpec] = Registry("core.prediction.models", ModelSpec, "model", "models", UnknownModelError)

model_specs = MODELS.all
model_spec = MODELS.get

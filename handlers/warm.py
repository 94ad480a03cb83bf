"""Loads every model when a serverless adapter starts, so that no request pays for it; a broken model is only logged.

Lambda runs this in its INIT phase (captured by SnapStart), Cloud Functions in gunicorn's master before
the fork (so workers share the loaded arrays). A model that cannot load still answers 503 naming
itself when asked for, exactly as if it had been loaded lazily.
"""

from __future__ import annotations

import logging

from core.errors import CoreError
from core.prediction import served_model
from core.registry import model_specs
from handlers.settings import Settings

logger = logging.getLogger(__name__)


def warm_models(settings: Settings) -> None:
    for name in model_specs():
        try:
            served_model(name, settings.models_dir)
        except CoreError as exc:
            logger.error("model %s cannot be served: %s", name, exc.message)

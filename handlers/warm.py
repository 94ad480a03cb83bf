"""Loads, when an adapter starts, what first requests would otherwise pay for; a failure is only logged.

Lambda runs this in its INIT phase (captured by SnapStart), Cloud Functions in gunicorn's master before
the fork (so workers share the loaded arrays), Cloud Run before it listens. A model that cannot load
still answers 503 naming itself when asked for, exactly as if it had been loaded lazily; the analyses
(``WARM_ANALYSES``) are warmed only where a deployment asks for it.
"""

from __future__ import annotations

import logging

from core.analysis.tweets.sources import source_from_setting
from core.errors import CoreError
from core.prediction.registry import model_specs
from core.prediction.service import served_model
from handlers.settings import Settings

logger = logging.getLogger(__name__)


def warm_models(settings: Settings) -> None:
    for name in model_specs():
        try:
            served_model(name, settings.models_dir)
        except CoreError as exc:
            logger.error("model %s cannot be served: %s", name, exc.message)


def warm_analyses(settings: Settings) -> None:
    """When ``WARM_ANALYSES`` is on: every analysis once, and the configured tweets if they are local."""
    if not settings.warm_analyses:
        return
    from core.analysis.warmup import warm_up  # imports matplotlib and plotly only when asked to

    try:
        warm_up(source_from_setting(settings.tweets_source))
    except Exception:
        logger.exception("warming up the analyses failed; the first requests will load what they need")

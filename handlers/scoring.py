"""Runs a scoring request for an event adapter (S3, SQS, Cloud Storage, Pub/Sub) and says what the source should do.

``complete``: done. ``refused``: permanent (the error manifest is written when the output is known;
logged either way): acknowledge, never retry. ``retry``: transient (storage throttled or unreachable):
nothing committed, let the source deliver it again. Every outcome is one JSON log line. The model comes
from where the service's do (``handlers.models_source``: the bundled directory or ``MODELS_URI``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from core.errors import CoreError
from core.scoring.drops import is_transient
from core.scoring.job import ScoreRequest, score
from handlers.models_source import models
from handlers.settings import settings
from handlers.storage import storage_for

logger = logging.getLogger(__name__)

Status = Literal["complete", "refused", "retry"]


@dataclass(frozen=True)
class Outcome:
    status: Status
    detail: dict[str, Any] = field(default_factory=dict)


def refused(error: CoreError, source: str) -> Outcome:
    """A message or event that can never be scored (malformed, outside ``incoming/``): logged and acknowledged."""
    detail = {"source": source, "error": {"type": type(error).__name__, "message": error.message, "field": error.field}}
    logger.warning(json.dumps({"message": "scoring refused", **detail}))
    return Outcome("refused", detail)


def run(request: ScoreRequest, source: str) -> Outcome:
    """Score ``request``; the outcome says whether the source should consider it delivered."""
    base = {"source": source, "model": request.model, "input": request.input, "output": request.output}
    try:
        manifest = score(replace(request, models_dir=models(settings())), storage_for)
    except Exception as exc:  # noqa: BLE001 - sorted into retry or refused below; never lost silently
        error = {"type": type(exc).__name__, "message": getattr(exc, "message", str(exc))}
        status: Status = "retry" if is_transient(exc) else "refused"
        log = logger.exception if not isinstance(exc, CoreError) else logger.warning
        log(json.dumps({"message": f"scoring {status}", **base, "error": error}))
        return Outcome(status, {**base, "error": error})
    detail = {**base, "rows": manifest["rows"], "manifest": f"{manifest['output']['uri']}.manifest.json"}
    logger.info(json.dumps({"message": "scored", **detail}))
    return Outcome("complete", detail)

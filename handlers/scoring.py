"""Runs a scoring request for an event adapter (S3, SQS, Cloud Storage, Pub/Sub) and says what the source should do.

``complete``: done. ``refused``: permanent: acknowledge, never retry. ``retry``: transient (storage throttled
or unreachable): nothing committed, let the source deliver it again. Every outcome is one JSON log line.

A refused request whose output is known gets its error manifest there (``core.scoring.job``). A message
refused before any output is named (a malformed SQS body or Pub/Sub message, a CloudEvent without an
object) has only its source and id: its failure manifest goes to ``$SCORING_FAILURES_URI/<source>/<message
id>.manifest.json`` (serverless.yml sets ``s3://<batch bucket>/failed/``, outside ``incoming/`` so it never
triggers a run), holding the error and the first 16 KiB of what was sent. Without the variable (a local run)
the log line is the record. A direct S3 event refused by the guard writes nothing: its key is the record.
The model comes from where the service's do (``handlers.models_source``: the bundled directory or
``MODELS_URI``).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import orjson

from core.errors import CoreError
from core.scoring.drops import is_transient
from core.scoring.job import ScoreRequest, score, utc_now
from core.scoring.manifest import failure_manifest, failure_uri
from core.scoring.storage import write_object
from handlers.models_source import models
from handlers.settings import settings
from handlers.storage import storage_for

logger = logging.getLogger(__name__)

Status = Literal["complete", "refused", "retry"]


@dataclass(frozen=True)
class Outcome:
    status: Status
    detail: dict[str, Any] = field(default_factory=dict)


FAILURES_VARIABLE = "SCORING_FAILURES_URI"


def refused(error: CoreError, source: str, message_id: str | None = None, body: bytes = b"") -> Outcome:
    """A message or event that can never be scored (malformed, outside ``incoming/``): logged and acknowledged,
    with its failure manifest written when the message has an id and ``$SCORING_FAILURES_URI`` a place."""
    detail: dict[str, Any] = {
        "source": source,
        "error": {"type": type(error).__name__, "message": error.message, "field": error.field},
    }
    if message_id is not None:
        detail["message_id"] = message_id
    prefix = os.environ.get(FAILURES_VARIABLE, "").strip()
    if prefix and message_id:
        uri = failure_uri(prefix, source, message_id)
        try:
            write_object(
                storage_for(uri), uri, orjson.dumps(failure_manifest(source, message_id, error, body, utc_now()))
            )
            detail["manifest"] = uri
        except Exception as exc:  # noqa: BLE001 - the message is refused for good either way; the log line keeps it
            detail["manifest_error"] = f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"
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

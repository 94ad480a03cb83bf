"""The ``direct`` kind: ``{"model": NAME, "data": CSV rows}`` (or ``rows``/``columns``) in, predictions out.

This is how the book's SageMaker-era Lambda was called (``aws lambda invoke``, Step Functions, another
service): no HTTP, the event is the request and the return value the answer. ``data`` holds CSV rows
with no header, in the model's feature order, as SageMaker's CSV serializer writes them; ``rows`` and
``columns`` take the JSON shapes of ``POST /models/{name}/predict``; ``version`` (optional) pins one of the
model's versions, as ``?version=`` does over HTTP. Parsing, checks and answers are
the core's, so a row refused over HTTP is refused here in the same words, in the same error body
(``handlers.aws_events.guard`` turns the raised error into it, logs the invocation and times it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from core.errors import EmptyInputError, InvalidInputError
from core.prediction import service as prediction
from core.prediction.catalogue import snapshot_of
from core.prediction.registry import model_spec
from handlers.models_source import models
from handlers.settings import Settings

INPUT_FIELDS = ("data", "rows", "columns")
"""Exactly one of these carries the rows; ``model`` names the model."""


class DirectInvocation:
    """An event that is not HTTP and names a model or carries rows is a direct invocation."""

    name = "direct"
    answers = 'direct invocations like {"model": "diabetes-gbm", "data": "6,148,72,35,0,33.6,0.627,50"}'

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def prepare(self) -> None:
        """Nothing: the models are loaded by the start-up's warm-up (``handlers.bootstrap``)."""

    def matches(self, event: Any, context: Any) -> bool:
        return isinstance(event, Mapping) and any(key in event for key in ("model", *INPUT_FIELDS))

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        """The predictions; a bad event raises the core's error naming the field."""
        return _predict(event, self.settings)


def _predict(event: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    name = event.get("model")
    if not isinstance(name, str) or not name:
        raise InvalidInputError("'model' must be the name of a model, e.g. \"diabetes-gbm\"", field="model")
    unknown = sorted(key for key in event if key not in ("model", "version") and key not in INPUT_FIELDS)
    if unknown:
        raise InvalidInputError(
            f"unknown field {unknown[0]!r}; a direct invocation takes 'model' and one of 'data', 'rows' or 'columns'",
            field=unknown[0],
        )
    given = [key for key in INPUT_FIELDS if key in event]
    if len(given) != 1:
        raise InvalidInputError(
            "give exactly one of 'data' (CSV rows without a header, in the model's feature order), 'rows' or 'columns'",
            field="data",
        )
    catalogue = snapshot_of(models(settings))
    spec = model_spec(name, catalogue)
    if given[0] == "data":
        body, content_type = _csv_with_header(event["data"], spec.name, spec.feature_names), "text/csv"
    else:
        body, content_type = orjson.dumps({given[0]: event[given[0]]}), "application/json"
    version = event.get("version")
    if version is not None and (not isinstance(version, str) or not version):
        raise InvalidInputError("'version' must be a model version, e.g. \"1.2.0\"", field="version")
    return prediction.predict_batch(name, body, content_type, settings.max_batch_rows, catalogue, version)


def _csv_with_header(data: Any, name: str, features: tuple[str, ...]) -> bytes:
    """The header the rows lack, then the rows; a row with the wrong number of values is named here."""
    if not isinstance(data, str):
        raise InvalidInputError("'data' must be a string of CSV rows, one per line, without a header", field="data")
    lines = [line for line in data.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        raise EmptyInputError("'data' holds no rows", field="data")
    for i, line in enumerate(lines):
        count = line.count(",") + 1
        if count != len(features):
            raise InvalidInputError(
                f"row {i}: has {count} values; model {name!r} takes {len(features)}, in this order: "
                + ", ".join(features),
                field="data",
            )
    return (",".join(features) + "\n" + "\n".join(lines)).encode()

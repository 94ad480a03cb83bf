"""The ``redshift`` kind: a Redshift Lambda UDF's batch of rows in, Redshift's answer (a JSON string) out.

Redshift invokes the function directly with ``{"external_function": "schema.name", "num_records": n,
"arguments": [[...], ...], ...}`` and reads back, as its documentation's Python example returns it,
``json.dumps({"success": true, "num_records": n, "results": [...]})``, or ``{"success": false, "error_msg":
...}``, which fails the query with that message. The SQL function's name after its schema says the model
and the output: ``predict_<model>`` the label or value, ``predict_proba_<model>`` the probability, a ``-``
in the model's name written ``_`` (``predict_diabetes_gbm``). The rows go to the core's use case
(``core.prediction.calls``), so a value is refused in the words of every other route.

``RedshiftCalls`` answers and raises the core's errors; listed through ``guarded`` it gets the deadline,
the access line and the one error body, which ``RedshiftUdf`` then writes in Redshift's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from core.errors import InvalidInputError, UnknownModelError
from core.paths import MODELS_DIR
from core.prediction import calls as warehouse_calls
from core.prediction.catalogue import ModelsAt, snapshot_of
from core.prediction.registry import model_specs
from handlers.aws_events.kind import EventKind
from handlers.models_source import models
from handlers.settings import Settings

PREFIXES: tuple[tuple[str, warehouse_calls.Output], ...] = (("predict_proba_", "probability"), ("predict_", "label"))
"""The function names Redshift may call us by, longest first, and what each answers."""


def model_and_output(external_function: Any, models: ModelsAt = MODELS_DIR) -> tuple[str, warehouse_calls.Output]:
    """The model and the output that ``schema.predict[_proba]_<model>`` names; refused, naming the function."""
    if not isinstance(external_function, str) or not external_function:
        raise InvalidInputError("'external_function' must be the SQL function's name", field="external_function")
    function = external_function.rsplit(".", 1)[-1].strip('"').lower()
    by_sql_name = {name.replace("-", "_").lower(): name for name in model_specs(models)}
    for prefix, output in PREFIXES:
        if function.startswith(prefix) and function[len(prefix) :] in by_sql_name:
            return by_sql_name[function[len(prefix) :]], output
    raise UnknownModelError(
        f"the function {function!r} names no model: call it predict_<model> or predict_proba_<model>, "
        f"a '-' in the model's name written '_'; known models: {', '.join(by_sql_name.values())}",
        field="external_function",
    )


class RedshiftCalls:
    """An event with ``external_function`` and ``arguments`` is a Redshift UDF's batch."""

    name = "redshift"
    answers = "Redshift Lambda UDF calls (predict_<model>, predict_proba_<model>)"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def prepare(self) -> None:
        """Nothing: the models are loaded by the start-up's warm-up (``handlers.bootstrap``)."""

    def matches(self, event: Any, context: Any) -> bool:
        return isinstance(event, Mapping) and "external_function" in event and "arguments" in event

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        """``{"success": true, "num_records", "results"}`` plus the model and version for the access line."""
        catalogue = snapshot_of(models(self.settings))
        name, output = model_and_output(event.get("external_function"), catalogue)
        rows = event.get("arguments")
        if not isinstance(rows, list):
            raise InvalidInputError("'arguments' must be an array of rows", field="arguments")
        declared = event.get("num_records")
        if declared is not None and declared != len(rows):
            raise InvalidInputError(
                f"'num_records' is {declared!r} but 'arguments' holds {len(rows)} rows", field="num_records"
            )
        results = warehouse_calls.answer_calls(
            name,
            rows,
            output,
            what="row",
            container="arguments",
            max_rows=self.settings.max_batch_rows,
            models_dir=catalogue,
        )
        if results and isinstance(results[0], list):  # a multiclass probability: a VARCHAR of JSON
            results = [orjson.dumps(r).decode() for r in results]
        return {"success": True, "num_records": len(results), "results": results, "model": name}


class RedshiftUdf:
    """``RedshiftCalls`` (guarded) with its answer or error body written as the JSON string Redshift reads."""

    def __init__(self, guarded_calls: EventKind) -> None:
        self.inner = guarded_calls

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def answers(self) -> str:
        return self.inner.answers

    def prepare(self) -> None:
        self.inner.prepare()

    def matches(self, event: Any, context: Any) -> bool:
        return self.inner.matches(event, context)

    def handle(self, event: Any, context: Any) -> str:
        answer = self.inner.handle(event, context)
        if isinstance(answer, dict) and answer.get("success") is True:
            reply = {key: answer[key] for key in ("success", "num_records", "results")}
        else:
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            reply = {"success": False, "error_msg": str(error.get("message", "the call failed"))}
        return orjson.dumps(reply).decode()

"""Redshift Lambda UDFs through the Lambda entry point: the event Redshift sends, the JSON string it reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.prediction import calls as warehouse_calls
from core.prediction.registry import model_specs
from emulator.corpus_requests import redshift as redshift_event
from handlers.aws_lambda import handler
from tests.warehouses.rows import classifiers, model_rows, reference, regressions

MODELS = sorted(model_specs())
REDSHIFT_LIMIT = 50_000


def sql_name(model: str) -> str:
    return model.replace("-", "_")


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    answer = handler(event, None)
    assert isinstance(answer, str)  # Redshift reads a JSON string, as its Python example returns
    parsed: dict[str, Any] = json.loads(answer)
    return parsed


@pytest.mark.parametrize("name", MODELS)
def test_predict_model_answers_every_row_in_order(name: str) -> None:
    rows = model_rows(name, REDSHIFT_LIMIT)
    answer = invoke(redshift_event(f"public.predict_{sql_name(name)}", rows))
    assert answer == {"success": True, "num_records": len(rows), "results": reference(name, rows)["predictions"]}


@pytest.mark.parametrize("name", classifiers())
def test_predict_proba_model_answers_the_probability(name: str) -> None:
    rows = model_rows(name, 20)
    answer = invoke(redshift_event(f'"Analytics".PREDICT_PROBA_{sql_name(name).upper()}', rows))
    assert answer["results"] == reference(name, rows)["probabilities"]


@pytest.mark.parametrize("name", regressions())
def test_predict_proba_of_a_regression_is_refused(name: str) -> None:
    answer = invoke(redshift_event(f"public.predict_proba_{sql_name(name)}", model_rows(name, 1)))
    assert answer["success"] is False and "regression" in answer["error_msg"]


@pytest.mark.parametrize("where", [0, 2, 3])
def test_a_null_row_or_value_fails_naming_the_row_and_the_field(where: int) -> None:
    """Redshift's own example event holds a NULL argument and a NULL row."""
    name = MODELS[0]
    spec = model_specs()[name]
    rows: list[Any] = [list(row) for row in model_rows(name, 4)]
    rows[where][1] = None
    answer = invoke(redshift_event(f"public.predict_{sql_name(name)}", rows))
    assert answer == {
        "success": False,
        "error_msg": f"row {where}: field {spec.feature_names[1]!r} must be a number, got null",
    }
    rows[where] = None
    answer = invoke(redshift_event(f"public.predict_{sql_name(name)}", rows))
    assert answer["success"] is False and answer["error_msg"].startswith(f"row {where}: must be an array of")


def test_a_wrong_arity_fails_naming_the_row() -> None:
    name = MODELS[0]
    rows: list[Any] = [list(row) for row in model_rows(name, 3)]
    rows[2] = rows[2] + [1]
    answer = invoke(redshift_event(f"public.predict_{sql_name(name)}", rows))
    assert answer["success"] is False and answer["error_msg"].startswith("row 2: has")


@pytest.mark.parametrize("function", ["public.predict_no_such_model", "public.score_x", ""])
def test_a_function_that_names_no_model_fails_listing_the_names(function: str) -> None:
    answer = invoke(redshift_event(function, [[1]]))
    assert answer["success"] is False
    assert ("predict_<model>" if function else "'external_function' must be") in answer["error_msg"]


def test_num_records_must_match_the_rows() -> None:
    name = MODELS[0]
    event = redshift_event(f"public.predict_{sql_name(name)}", model_rows(name, 2))
    event["num_records"] = 3
    answer = invoke(event)
    assert answer["success"] is False and "num_records" in answer["error_msg"]


def test_an_empty_batch_answers_no_results() -> None:
    answer = invoke(redshift_event(f"public.predict_{sql_name(MODELS[0])}", []))
    assert answer == {"success": True, "num_records": 0, "results": []}


def test_a_large_int64_sent_as_text_is_read() -> None:
    name = MODELS[0]
    rows = model_rows(name, 5)
    as_text = [[str(v) for v in row] for row in rows]
    answer = invoke(redshift_event(f"public.predict_{sql_name(name)}", as_text))
    assert answer["results"] == reference(name, rows)["predictions"]


def test_a_multiclass_probability_is_a_json_string(monkeypatch: pytest.MonkeyPatch) -> None:
    per_class = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]
    monkeypatch.setattr(warehouse_calls, "answer_calls", lambda *args, **kwargs: per_class)
    answer = invoke(redshift_event(f"public.predict_proba_{sql_name(MODELS[0])}", [[1], [2]]))
    assert [json.loads(r) for r in answer["results"]] == per_class

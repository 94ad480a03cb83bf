"""The core use case every warehouse adapter calls: one reply per call, in order, or an error naming call and field."""

from __future__ import annotations

import pytest

from core.errors import InvalidInputError, LimitExceededError, UnknownModelError
from core.prediction import service
from core.prediction.calls import answer_calls, parse_output
from core.prediction.registry import model_specs
from tests.warehouses.rows import classifiers, model_rows, reference, regressions

MODELS = sorted(model_specs())


@pytest.mark.parametrize("name", MODELS)
def test_labels_are_the_batch_routes_answers_in_order(name: str) -> None:
    rows = model_rows(name, 500)
    assert answer_calls(name, rows) == reference(name, rows)["predictions"]


@pytest.mark.parametrize("name", classifiers())
def test_probabilities_are_the_batch_routes_probabilities(name: str) -> None:
    rows = model_rows(name, 500)
    assert answer_calls(name, rows, "probability") == reference(name, rows)["probabilities"]


@pytest.mark.parametrize("name", regressions())
def test_a_regression_has_no_probability(name: str) -> None:
    with pytest.raises(InvalidInputError, match="regression") as caught:
        answer_calls(name, model_rows(name, 2), "probability")
    assert caught.value.field == "output"


@pytest.mark.parametrize("name", MODELS)
def test_numbers_sent_as_strings_are_read_as_those_numbers(name: str) -> None:
    """BigQuery sends large INT64 values as JSON strings."""
    rows = model_rows(name, 50)
    as_text = [[str(value) for value in row] for row in rows]
    assert answer_calls(name, as_text) == answer_calls(name, rows)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize(
    ("bad", "reason"),
    [(None, "must be a number, got null"), (True, "must be a number, got bool"), ("abc", "is not a number: 'abc'")],
)
def test_a_refused_value_names_the_call_and_the_field(name: str, where: str, bad: object, reason: str) -> None:
    rows: list[list[object]] = [list(row) for row in model_rows(name, 9)]
    index = {"first": 0, "middle": 4, "last": 8}[where]
    features = model_specs()[name].features
    # null is a missing value where the model handles one (test_imported_models.py): refused elsewhere only
    refusing = [j for j, f in enumerate(features) if not (bad is None and f.missing)]
    column = refusing[-1] if where == "last" else refusing[index % len(refusing)]
    feature = features[column].name
    rows[index][column] = bad
    with pytest.raises(InvalidInputError) as caught:
        answer_calls(name, rows, what="call")
    assert caught.value.message == f"call {index}: field {feature!r} {reason}"
    assert caught.value.field == feature


def test_a_value_is_refused_in_the_words_of_the_query_route() -> None:
    name = MODELS[0]
    spec = model_specs()[name]
    row: list[object] = list(model_rows(name, 1)[0])
    row[0] = "1e999"
    with pytest.raises(InvalidInputError) as over_calls:
        answer_calls(name, [row], what="row")
    query = {f: [str(v)] for f, v in zip(spec.feature_names, row, strict=True)}
    with pytest.raises(InvalidInputError) as over_http:
        service.predict_query(name, query)
    assert over_calls.value.message == f"row 0: {over_http.value.message}"


def test_a_kind_rule_names_the_call() -> None:
    name, column = next(
        (n, j) for n, s in model_specs().items() for j, f in enumerate(s.features) if f.kind == "integer"
    )
    rows: list[list[object]] = [list(row) for row in model_rows(name, 3)]
    rows[2][column] = 1.5
    with pytest.raises(InvalidInputError, match=r"^call 2: field .* must be a whole number, got 1\.5$"):
        answer_calls(name, rows)


@pytest.mark.parametrize("name", MODELS)
def test_a_wrong_arity_names_the_call_and_the_order(name: str) -> None:
    spec = model_specs()[name]
    rows: list[list[object]] = [list(row) for row in model_rows(name, 3)]
    rows[1] = rows[1][:-1]
    with pytest.raises(InvalidInputError) as short:
        answer_calls(name, rows, container="arguments")
    assert short.value.message.startswith(f"call 1: has {len(spec.features) - 1} values; model {name!r} takes")
    assert short.value.field == spec.feature_names[-1]
    rows[1] = [*rows[0], 1]
    with pytest.raises(InvalidInputError, match="call 1: has") as long:
        answer_calls(name, rows, container="arguments")
    assert long.value.field == "arguments"
    rows[1] = None  # type: ignore[call-overload]
    with pytest.raises(InvalidInputError, match="call 1: must be an array of") as null_row:
        answer_calls(name, rows, container="data")
    assert null_row.value.field == "data"


def test_an_empty_batch_has_no_replies_but_the_model_must_exist() -> None:
    assert answer_calls(MODELS[0], []) == []
    with pytest.raises(UnknownModelError):
        answer_calls("no-such-model", [])


def test_more_calls_than_the_limit_are_refused() -> None:
    with pytest.raises(LimitExceededError) as caught:
        answer_calls(MODELS[0], model_rows(MODELS[0], 11), max_rows=10, container="calls")
    assert caught.value.field == "calls"


def test_the_output_is_label_or_probability() -> None:
    assert parse_output(None) == "label" and parse_output("probability") == "probability"
    for bad in ("proba", 1, ["probability"]):
        with pytest.raises(InvalidInputError) as caught:
            parse_output(bad, "userDefinedContext.output")
        assert caught.value.field == "userDefinedContext.output"

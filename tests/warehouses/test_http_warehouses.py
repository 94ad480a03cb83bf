"""BigQuery remote functions and Snowflake external functions over HTTP, through the one app."""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from core.prediction import calls as warehouse_calls
from core.prediction.registry import model_specs
from handlers.http_app import create_app
from handlers.settings import Settings
from tests.warehouses.rows import classifiers, model_rows, reference, regressions

MODELS = sorted(model_specs())
RETRIED_BY_BIGQUERY = {408, 429, 500, 503, 504}
BIGQUERY_LIMIT = 50_000
"""The most calls this contract is held to in one request (the issue's limit for max_batching_rows)."""


def bigquery_request(calls: list[Any], context: dict[str, str] | None = None) -> dict[str, Any]:
    """The request as BigQuery's documentation shows it."""
    request: dict[str, Any] = {
        "requestId": "124ab1c",
        "caller": "//bigquery.googleapis.com/projects/myproject/jobs/myproject:US.bquxjob_5b4c112c_17961fafeaf",
        "sessionUser": "test-user@test-company.com",
        "calls": calls,
    }
    if context is not None:
        request["userDefinedContext"] = context
    return request


def snowflake_headers(**extra: str) -> dict[str, str]:
    return {
        "sf-external-function-format": "json",
        "sf-external-function-format-version": "1.0",
        "sf-external-function-current-query-id": "01a2b3c4-0000-1111-0000-000000000000",
        "sf-external-function-query-batch-id": "01a2b3c4-0000-1111-0000-000000000000:1:1:0:0",
        **extra,
    }


@pytest.mark.parametrize("name", MODELS)
def test_bigquery_answers_its_largest_batch_in_order(client: TestClient, name: str) -> None:
    rows = model_rows(name, BIGQUERY_LIMIT)
    response = client.post(f"/bigquery/{name}", json=bigquery_request(rows))
    assert response.status_code == 200, response.text
    assert response.json() == {"replies": reference(name, rows)["predictions"]}


@pytest.mark.parametrize("name", classifiers())
def test_bigquery_answers_the_probability_when_the_context_asks(client: TestClient, name: str) -> None:
    rows = model_rows(name, 100)
    response = client.post(f"/bigquery/{name}", json=bigquery_request(rows, {"output": "probability"}))
    assert response.json() == {"replies": reference(name, rows)["probabilities"]}


def test_bigquery_reads_large_int64_values_sent_as_strings(client: TestClient) -> None:
    name = MODELS[0]
    rows = model_rows(name, 20)
    as_sent = [[str(v) if isinstance(v, int) else v for v in row] for row in rows]
    response = client.post(f"/bigquery/{name}", json=bigquery_request(as_sent))
    assert response.json() == {"replies": reference(name, rows)["predictions"]}


def test_bigquery_answers_a_repeated_request_identically(client: TestClient) -> None:
    name = MODELS[-1]
    request = bigquery_request(model_rows(name, 1000), {"output": "label"})
    first, again = (client.post(f"/bigquery/{name}", json=request) for _ in range(2))
    assert first.status_code == again.status_code == 200
    assert first.content == again.content


def test_bigquery_answers_an_empty_batch_and_a_single_call(client: TestClient) -> None:
    name = MODELS[0]
    assert client.post(f"/bigquery/{name}", json=bigquery_request([])).json() == {"replies": []}
    row = model_rows(name, 1)
    assert client.post(f"/bigquery/{name}", json=bigquery_request(row)).json() == {
        "replies": reference(name, row)["predictions"]
    }


def _bad_calls(name: str, where: int, change: Any) -> list[Any]:
    rows: list[Any] = [list(row) for row in model_rows(name, 7)]
    rows[where] = change(rows[where])
    return rows


def _set(j: int, value: Any) -> Any:
    return lambda row: [value if i == j else v for i, v in enumerate(row)]


@pytest.mark.parametrize("where", [0, 3, 6])
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(1, None), "call {i}: field {f1!r} must be a number, got null"),
        (_set(1, "x"), "call {i}: field {f1!r} is not a number: 'x'"),
        (lambda row: row[:-1], "call {i}: has {short} values; model {name!r} takes {width}, in this order: "),
        (lambda row: None, "call {i}: must be an array of {width} values"),
    ],
    ids=["null", "text", "short", "null-call"],
)
def test_bigquery_refuses_bad_data_with_a_400_it_does_not_retry(
    client: TestClient, where: int, change: Any, expected: str
) -> None:
    name = MODELS[0]
    spec = model_specs()[name]
    width = len(spec.features)
    response = client.post(f"/bigquery/{name}", json=bigquery_request(_bad_calls(name, where, change)))
    assert response.status_code == 400 and response.status_code not in RETRIED_BY_BIGQUERY
    message = response.json()["errorMessage"]
    wanted = expected.format(i=where, f1=spec.feature_names[1], short=width - 1, name=name, width=width)
    assert message.startswith(wanted)
    assert len(response.content) < 1024


def test_bigquery_refuses_an_unknown_model_with_a_400_under_1_kb(client: TestClient) -> None:
    for name in ("no-such-model", "x" * 5000):
        response = client.post(f"/bigquery/{name}", json=bigquery_request([[1]]))
        assert response.status_code == 400
        assert "unknown model" in response.json()["errorMessage"]
        assert len(response.json()["errorMessage"].encode()) <= 1000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{", "the body is not valid JSON"),
        (b"", "the body is empty"),
        (b'{"calls": 3}', "'calls' must be an array"),
        (b'{"calls": [], "userDefinedContext": {"output": "proba"}}', "userDefinedContext.output must be"),
    ],
)
def test_bigquery_refuses_a_malformed_request_with_a_400(client: TestClient, body: bytes, field: str) -> None:
    response = client.post(f"/bigquery/{MODELS[0]}", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert field in response.json()["errorMessage"]


@pytest.mark.parametrize("name", regressions())
def test_bigquery_refuses_a_probability_of_a_regression(client: TestClient, name: str) -> None:
    response = client.post(f"/bigquery/{name}", json=bigquery_request(model_rows(name, 1), {"output": "probability"}))
    assert response.status_code == 400 and "regression" in response.json()["errorMessage"]


@pytest.mark.parametrize("name", MODELS)
def test_snowflake_answers_by_row_number_in_the_order_received(client: TestClient, name: str) -> None:
    rows = model_rows(name, BIGQUERY_LIMIT)
    numbers = list(range(len(rows)))[::-1]  # whatever order they arrive in, they go back in it
    body = {"data": [[n, *row] for n, row in zip(numbers, rows, strict=True)]}
    response = client.post(f"/snowflake/{name}", json=body, headers=snowflake_headers())
    assert response.status_code == 200, response.text
    expected = reference(name, rows)["predictions"]
    assert response.json() == {"data": [[n, r] for n, r in zip(numbers, expected, strict=True)]}


@pytest.mark.parametrize("name", classifiers())
def test_snowflake_answers_the_probability_when_asked(client: TestClient, name: str) -> None:
    rows = model_rows(name, 10)
    body = {"data": [[i, *row] for i, row in enumerate(rows)]}
    response = client.post(f"/snowflake/{name}?output=probability", json=body, headers=snowflake_headers())
    expected = reference(name, rows)["probabilities"]
    assert response.json() == {"data": [[i, p] for i, p in enumerate(expected)]}


def test_snowflake_reads_a_gzip_body(client: TestClient) -> None:
    name = MODELS[0]
    rows = model_rows(name, 300)
    body = gzip.compress(orjson.dumps({"data": [[i, *row] for i, row in enumerate(rows)]}))
    headers = snowflake_headers(**{"content-encoding": "gzip", "content-type": "application/json"})
    response = client.post(f"/snowflake/{name}", content=body, headers=headers)
    assert [r for _, r in response.json()["data"]] == reference(name, rows)["predictions"]


@pytest.mark.parametrize("where", [0, 3, 6])
def test_snowflake_refuses_a_bad_row_naming_it_and_the_field(client: TestClient, where: int) -> None:
    name = MODELS[0]
    spec = model_specs()[name]
    rows = _bad_calls(name, where, _set(2, None))
    response = client.post(f"/snowflake/{name}", json={"data": [[i, *r] for i, r in enumerate(rows)]})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == f"row {where}: field {spec.feature_names[2]!r} must be a number, got null"
    assert error["field"] == spec.feature_names[2]


@pytest.mark.parametrize(
    ("body", "headers", "field"),
    [
        ({"data": [[0, 1]]}, {}, None),
        ({"data": [["0", 1]]}, {}, "data"),
        ({"rows": []}, {}, "data"),
        ({"data": []}, {"sf-external-function-format": "xml"}, "sf-external-function-format"),
    ],
    ids=["arity", "row-number", "envelope", "format"],
)
def test_snowflake_refuses_what_it_cannot_answer_with_a_400(
    client: TestClient, body: Any, headers: dict[str, str], field: str | None
) -> None:
    response = client.post(f"/snowflake/{MODELS[0]}", json=body, headers=headers)
    assert response.status_code == 400
    if field:
        assert response.json()["error"]["field"] == field


def test_snowflake_refuses_an_unknown_model_and_output_with_a_400(client: TestClient) -> None:
    assert client.post("/snowflake/no-such-model", json={"data": []}).status_code == 400
    response = client.post(f"/snowflake/{MODELS[0]}?output=odds", json={"data": []})
    assert response.status_code == 400 and response.json()["error"]["field"] == "output"


def test_snowflake_answers_an_empty_batch(client: TestClient) -> None:
    assert client.post(f"/snowflake/{MODELS[0]}", json={"data": []}).json() == {"data": []}


def test_multiclass_probabilities_go_out_as_each_warehouse_reads_them(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A multiclass model's probability is one list per row: a JSON string for BigQuery, an array for Snowflake."""
    per_class = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]
    monkeypatch.setattr(warehouse_calls, "answer_calls", lambda *args, **kwargs: per_class)
    replies = client.post(f"/bigquery/{MODELS[0]}", json=bigquery_request([[1], [2]], {"output": "probability"}))
    assert [json.loads(r) for r in replies.json()["replies"]] == per_class
    rows = client.post(f"/snowflake/{MODELS[0]}?output=probability", json={"data": [[0, 1], [1, 2]]})
    assert rows.json() == {"data": [[0, per_class[0]], [1, per_class[1]]]}


def test_the_warehouse_routes_sit_behind_the_api_key() -> None:
    key = "k" * 32
    settings = Settings(
        models_dir=Settings.from_env().models_dir,
        cors_origins=("*",),
        max_batch_rows=100_000,
        max_body_bytes=1 << 20,
        api_key_hashes=frozenset({hashlib.sha256(key.encode()).hexdigest()}),
    )
    keyed = TestClient(create_app(settings))
    for path, body in ((f"/bigquery/{MODELS[0]}", bigquery_request([])), (f"/snowflake/{MODELS[0]}", {"data": []})):
        assert keyed.post(path, json=body).status_code == 401
        assert keyed.post(path, json=body, headers={"X-API-Key": key}).status_code == 200


def test_openapi_shows_each_models_warehouse_routes_with_one_value_per_feature(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for name, spec in model_specs().items():
        bigquery = paths[f"/bigquery/{name}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        call = bigquery["properties"]["calls"]["items"]
        assert call["minItems"] == call["maxItems"] == len(spec.features)
        snowflake = paths[f"/snowflake/{name}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert snowflake["properties"]["data"]["items"]["maxItems"] == len(spec.features) + 1  # the row number first
    assert not {"/bigquery/{model}", "/snowflake/{model}"} & set(paths)  # unknown names answer, undocumented


def test_snowflake_row_numbers_go_back_exactly_even_past_a_floats_precision(client: TestClient) -> None:
    name = MODELS[0]
    rows = model_rows(name, 2)
    numbers = [2**60 + 1, 7]
    body = {"data": [[n, *row] for n, row in zip(numbers, rows, strict=True)]}
    response = client.post(f"/snowflake/{name}", json=body)
    assert [n for n, _ in response.json()["data"]] == numbers

"""The HTTP contract through FastAPI's test client: answers, and a 4xx JSON error for every bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core.analysis.registry import ANALYSES
from core.prediction.registry import model_specs
from tests.conftest import BOSTON_BOOK_ROW

BOOK = "/predict_data?pregnant=1&glucose=3&pressure=1"
BOSTON = "/models/boston/predict_data?crim=0.01&zn=18&indus=2.3&chas=0&nox=0.5&rm=6&age=65&dis=4&rad=1&tax=242"
GBM_ROW = {
    "pregnant": 6,
    "glucose": 148,
    "pressure": 72,
    "triceps": 35,
    "insulin": 0,
    "mass": 33.6,
    "pedigree": 0.627,
    "age": 50,
}


def test_health_lists_every_model_version(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["version"]
    assert body["models"] == {name: spec.version for name, spec in model_specs().items()} != {}


def test_book_route_answers_like_plumber_with_probability_and_version(client: TestClient) -> None:
    response = client.get(BOOK)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["Answer"] == ["no"] and body["model"] == "diabetes" and body["version"] == "1.0.0"
    assert 0 < body["probability"][0] < 0.01


def test_yes_means_probability_at_least_half(client: TestClient) -> None:
    # Row 1 of the data: probability 0.618, the book's link rule says "no", the probability rule "yes".
    body = client.get("/predict_data?pregnant=6&glucose=148&pressure=72").json()
    assert body["Answer"] == ["yes"] and 0.5 <= body["probability"][0] < 0.6225


def test_repeated_parameters_give_one_answer_per_value(client: TestClient) -> None:
    body = client.get("/predict_data?pregnant=1&pregnant=6&glucose=3&glucose=148&pressure=1&pressure=72").json()
    assert body["Answer"] == ["no", "yes"] and len(body["probability"]) == 2


def test_a_single_value_applies_to_every_row(client: TestClient) -> None:
    body = client.get("/predict_data?pregnant=1&pregnant=6&glucose=148&pressure=72").json()
    assert len(body["Answer"]) == 2


def test_boston_book_query(client: TestClient) -> None:
    body = client.get(BOSTON).json()
    assert round(body["Answer"][0], 4) == 22.5813 and body["model"] == "boston" and "probability" not in body


def test_models_list_and_one_model_with_schema_and_example(client: TestClient) -> None:
    names = [m["name"] for m in client.get("/models").json()["models"]]
    assert names == list(model_specs())
    gbm = client.get("/models/diabetes-gbm").json()
    assert [f["name"] for f in gbm["features"]] == list(GBM_ROW)
    assert set(gbm["example_row"]) == set(GBM_ROW) and "test_roc_auc" in gbm["metrics"]


@pytest.mark.parametrize(
    ("body", "kwargs"),
    [
        ("rows", {"json": {"rows": [GBM_ROW, {**GBM_ROW, "glucose": 85, "age": 31}]}}),
        ("columns", {"json": {"columns": {k: [v, v] for k, v in GBM_ROW.items()}}}),
        (
            "csv",
            {
                "content": ",".join(reversed(GBM_ROW))
                + "\n"
                + ",".join(str(v) for v in reversed(GBM_ROW.values())) * 1,
                "headers": {"content-type": "text/csv; charset=utf-8"},
            },
        ),
    ],
)
def test_batch_formats(client: TestClient, body: str, kwargs: dict) -> None:  # type: ignore[type-arg]
    response = client.post("/models/diabetes-gbm/predict", **kwargs)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["model"] == "diabetes-gbm" and out["version"] == "1.0.0"
    assert len(out["predictions"]) == len(out["probabilities"]) >= 1
    assert set(out["predictions"]) <= {"yes", "no"}


def test_batch_keeps_request_order_and_matches_single_rows(client: TestClient) -> None:
    rows = [{"pregnant": p, "glucose": g, "pressure": 70} for p, g in [(0, 200), (1, 3), (8, 120), (2, 90)]]
    batch = client.post("/models/diabetes/predict", json={"rows": rows}).json()
    for row, probability in zip(rows, batch["probabilities"], strict=True):
        query = "&".join(f"{k}={v}" for k, v in row.items())
        assert client.get(f"/models/diabetes/predict_data?{query}").json()["probability"] == [probability]


def test_regression_batch_has_no_probabilities(client: TestClient) -> None:
    body = client.post("/models/boston/predict", json={"rows": [BOSTON_BOOK_ROW]}).json()
    assert round(body["predictions"][0], 4) == 22.5813 and "probabilities" not in body


def test_the_documented_row_limit_of_100000_is_accepted(client: TestClient) -> None:
    columns = {"pregnant": [1] * 100_000, "glucose": [100.5] * 100_000, "pressure": [70] * 100_000}
    body = client.post("/models/diabetes/predict", json={"columns": columns}).json()
    assert len(body["predictions"]) == 100_000


# (request, status, error type, field)
BAD_INPUTS = [
    ("GET /predict_data?glucose=3&pressure=1", 422, "InvalidInputError", "pregnant"),
    ("GET /predict_data?pregnant=abc&glucose=3&pressure=1", 422, "InvalidInputError", "pregnant"),
    ("GET /predict_data?pregnant=&glucose=3&pressure=1", 422, "InvalidInputError", "pregnant"),
    ("GET /predict_data?pregnant=1&glucose=NaN&pressure=1", 422, "InvalidInputError", "glucose"),
    ("GET /predict_data?pregnant=1&glucose=inf&pressure=1", 422, "InvalidInputError", "glucose"),
    ("GET /predict_data?pregnant=1&glucose=1e999&pressure=1", 422, "InvalidInputError", "glucose"),
    ("GET /predict_data?pregnant=1.5&glucose=3&pressure=1", 422, "InvalidInputError", "pregnant"),
    ("GET /predict_data?pregnant=1&glucose=3&pressure=1&insulin=4", 422, "InvalidInputError", "insulin"),
    (
        "GET /predict_data?pregnant=1&pregnant=2&pregnant=3&glucose=3&glucose=4&pressure=1",
        422,
        "InvalidInputError",
        "glucose",
    ),
    ("GET " + BOSTON.replace("chas=0", "chas=2"), 422, "InvalidInputError", "chas"),
    ("GET /models/nope/predict_data?x=1", 404, "UnknownModelError", "model"),
    ("GET /models/nope", 404, "UnknownModelError", "model"),
    ("POST /models/nope/predict", 404, "UnknownModelError", "model"),
    ("POST /predict_data", 405, "MethodNotAllowed", None),
    ("DELETE /models/diabetes", 405, "MethodNotAllowed", None),
    ("GET /no/such/route", 404, "NotFound", None),
]


@pytest.mark.parametrize(("request_line", "status", "error_type", "field"), BAD_INPUTS)
def test_bad_query_inputs(client: TestClient, request_line: str, status: int, error_type: str, field: str) -> None:
    method, url = request_line.split(" ", 1)
    response = client.request(method, url)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["type"] == error_type and error.get("field") == field
    assert "Traceback" not in response.text and "/work" not in response.text


BAD_BODIES = [
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "MalformedBodyError", "body"),
    ({"content": b"", "headers": {"content-type": "application/json"}}, 400, "MalformedBodyError", "body"),
    ({"content": b"[1,2]", "headers": {"content-type": "application/json"}}, 422, "InvalidInputError", "body"),
    ({"json": {"rows": []}}, 422, "EmptyInputError", "rows"),
    ({"json": {"columns": {"pregnant": [], "glucose": [], "pressure": []}}}, 422, "EmptyInputError", "rows"),
    ({"json": {"rows": [{"pregnant": 1, "glucose": 3}]}}, 422, "InvalidInputError", "pressure"),
    ({"json": {"rows": [{"pregnant": 1, "glucose": 3, "pressure": 1, "age": 3}]}}, 422, "InvalidInputError", "age"),
    ({"json": {"rows": [{"pregnant": 1, "glucose": "3", "pressure": 1}]}}, 422, "InvalidInputError", "glucose"),
    ({"json": {"rows": [{"pregnant": True, "glucose": 3, "pressure": 1}]}}, 422, "InvalidInputError", "pregnant"),
    ({"json": {"rows": [{"pregnant": 1, "glucose": None, "pressure": 1}]}}, 422, "InvalidInputError", "glucose"),
    ({"json": {"rows": [{"pregnant": 1.5, "glucose": 3, "pressure": 1}]}}, 422, "InvalidInputError", "pregnant"),
    (
        {
            "content": b'{"rows":[{"pregnant":1,"glucose":1e999,"pressure":1}]}',
            "headers": {"content-type": "application/json"},
        },
        422,
        "InvalidInputError",
        "glucose",
    ),
    (
        {"json": {"columns": {"pregnant": [1, 2], "glucose": [3], "pressure": [1, 2]}}},
        422,
        "InvalidInputError",
        "glucose",
    ),
    ({"json": {"rows": [{"pregnant": 1, "glucose": 3, "pressure": 1}], "extra": 1}}, 422, "InvalidInputError", "extra"),
    ({"json": {"rows": [], "columns": {}}}, 422, "InvalidInputError", "rows"),
    (
        {"content": b"pregnant,glucose\n1,2\n", "headers": {"content-type": "text/csv"}},
        422,
        "InvalidInputError",
        "pressure",
    ),
    (
        {"content": b"pregnant,glucose,pressure\n1,2,x\n", "headers": {"content-type": "text/csv"}},
        422,
        "InvalidInputError",
        "pressure",
    ),
    (
        {"content": b"pregnant,glucose,pressure\n1,2\n", "headers": {"content-type": "text/csv"}},
        400,
        "MalformedBodyError",
        "body",
    ),
    (
        {"content": b"pregnant,glucose,pressure\n", "headers": {"content-type": "text/csv"}},
        422,
        "EmptyInputError",
        "rows",
    ),
    (
        {"content": b"pregnant,glucose,pressure\n1,2,nan\n", "headers": {"content-type": "text/csv"}},
        422,
        "InvalidInputError",
        "pressure",
    ),
    ({"content": b"\xff\xfe", "headers": {"content-type": "text/csv"}}, 400, "MalformedBodyError", "body"),
    (
        {"content": b"1,2,3", "headers": {"content-type": "text/plain"}},
        415,
        "UnsupportedMediaTypeError",
        "content-type",
    ),
    ({"content": b"1,2,3"}, 415, "UnsupportedMediaTypeError", "content-type"),
]


@pytest.mark.parametrize(("kwargs", "status", "error_type", "field"), BAD_BODIES)
def test_bad_batch_bodies(client: TestClient, kwargs: dict, status: int, error_type: str, field: str) -> None:  # type: ignore[type-arg]
    response = client.post("/models/diabetes/predict", **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["type"] == error_type and error["field"] == field and error["message"]


def test_too_many_rows_is_413_naming_rows(client: TestClient) -> None:
    columns = {"pregnant": [1] * 100_001, "glucose": [3] * 100_001, "pressure": [1] * 100_001}
    response = client.post("/models/diabetes/predict", json={"columns": columns})
    assert response.status_code == 413
    assert response.json()["error"]["field"] == "rows" and "100000" in response.json()["error"]["message"]


def test_body_over_the_size_limit_is_413(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from handlers.http_app import create_app
    from handlers.settings import Settings

    small = TestClient(create_app(dataclasses.replace(Settings.from_env(), max_batch_rows=10, max_body_bytes=1000)))
    response = small.post("/models/diabetes/predict", content=b"x" * 2000, headers={"content-type": "text/csv"})
    assert response.status_code == 413 and response.json()["error"]["field"] == "body"
    rows = {"rows": [{"pregnant": 1, "glucose": 3, "pressure": 1}] * 11}
    assert small.post("/models/diabetes/predict", json=rows).status_code == 413


def test_cors_allows_any_origin_by_default(client: TestClient) -> None:
    response = client.get(BOOK, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_openapi_documents_every_model_route_with_its_parameters(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for name, model in model_specs().items():
        assert "get" in paths[f"/models/{name}"]
        params = [p["name"] for p in paths[f"/models/{name}/predict_data"]["get"]["parameters"]]
        assert params == list(model.feature_names)
        assert "text/csv" in paths[f"/models/{name}/predict"]["post"]["requestBody"]["content"]
    for name in ANALYSES.all():
        assert {f"/{name}", f"/html/{name}", f"/api/{name}"} <= set(paths)
    assert client.get("/docs").status_code == 200

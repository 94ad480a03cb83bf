"""Every route and every bad input answered the same by the three adapters, in-process.

Cloud Run is the FastAPI app under Starlette's test client; Lambda is ``handlers.aws_lambda.handler``
fed the event each integration sends (REST API v1, HTTP API v2, function URL, ALB single- and
multi-value); Cloud Functions is functions-framework's Flask app around ``main.py``. Each answer is
compared as the client receives it: status, content type and body bytes.
"""

from __future__ import annotations

import json

import flask.testing
import pytest
from fastapi.testclient import TestClient

from core.analysis.charts import plotlyjs
from handlers import aws_lambda
from handlers.cloud_run import app as cloud_run_app
from tests.handlers.lambda_events import HTTP_KINDS, Delivered, FakeContext, Request, delivered, http_event

GBM = "pregnant,glucose,pressure,triceps,insulin,mass,pedigree,age"
GBM_ROW = dict(zip(GBM.split(","), [6, 148, 72, 35, 0, 33.6, 0.627, 50], strict=True))
BOSTON = "crim=0.01&zn=18&indus=2.3&chas=0&nox=0.5&rm=6&age=65&dis=4&rad=1&tax=242"
JSON = {"content-type": "application/json"}
CSV = {"content-type": "text/csv"}

REQUESTS = {
    "health": Request("GET", "/health"),
    "book": Request("GET", "/predict_data", "pregnant=1&glucose=3&pressure=1"),
    "book_repeated": Request(
        "GET", "/predict_data", "pregnant=1&pregnant=6&glucose=3&glucose=148&pressure=1&pressure=72"
    ),
    "book_url_encoded": Request("GET", "/predict_data", "pregnant=%2B1&glucose=3%2E5e1&pressure=1"),
    "book_not_a_number": Request("GET", "/predict_data", "pregnant=abc&glucose=3&pressure=1"),
    "book_non_ascii": Request("GET", "/predict_data", "pregnant=%C3%A9t%C3%A9&glucose=3&pressure=1"),
    "book_missing": Request("GET", "/predict_data", "glucose=3&pressure=1"),
    "book_unknown": Request("GET", "/predict_data", "pregnant=1&glucose=3&pressure=1&insulin=5"),
    "book_not_whole": Request("GET", "/predict_data", "pregnant=1.5&glucose=3&pressure=1"),
    "book_nan": Request("GET", "/predict_data", "pregnant=1&glucose=NaN&pressure=1"),
    "book_empty": Request("GET", "/predict_data", "pregnant=&glucose=3&pressure=1"),
    "models": Request("GET", "/models"),
    "model": Request("GET", "/models/boston"),
    "model_unknown": Request("GET", "/models/nope"),
    "boston": Request("GET", "/models/boston/predict_data", BOSTON),
    "boston_binary": Request("GET", "/models/boston/predict_data", BOSTON.replace("chas=0", "chas=2")),
    "gbm_rows": Request(
        "POST", "/models/diabetes-gbm/predict", body=json.dumps({"rows": [GBM_ROW]}).encode(), headers=JSON
    ),
    "gbm_columns": Request(
        "POST",
        "/models/diabetes-gbm/predict",
        body=json.dumps({"columns": {k: [v, v] for k, v in GBM_ROW.items()}}).encode(),
        headers=JSON,
    ),
    "gbm_csv": Request(
        "POST", "/models/diabetes-gbm/predict", body=f"{GBM}\n6,148,72,35,0,33.6,0.627,50\n".encode(), headers=CSV
    ),
    "gbm_csv_ragged": Request("POST", "/models/diabetes-gbm/predict", body=f"{GBM}\n6,148\n".encode(), headers=CSV),
    "gbm_json_malformed": Request("POST", "/models/diabetes-gbm/predict", body=b'{"rows": [', headers=JSON),
    "gbm_json_string_value": Request(
        "POST",
        "/models/diabetes-gbm/predict",
        body=json.dumps({"rows": [{**GBM_ROW, "age": "50"}]}).encode(),
        headers=JSON,
    ),
    "gbm_no_rows": Request("POST", "/models/diabetes-gbm/predict", body=b'{"rows": []}', headers=JSON),
    "gbm_wrong_media_type": Request(
        "POST", "/models/diabetes-gbm/predict", body=b"6,148", headers={"content-type": "text/plain"}
    ),
    "predict_unknown_model": Request("POST", "/models/nope/predict", body=b'{"rows": []}', headers=JSON),
    "wrong_method": Request("GET", "/models/diabetes/predict"),
    "unknown_path": Request("GET", "/nope"),
    "cors_preflight": Request(
        "OPTIONS",
        "/models/diabetes/predict",
        headers={"origin": "https://example.org", "access-control-request-method": "POST"},
    ),
    "openapi": Request("GET", "/openapi.json"),
    "robots_txt": Request("GET", "/robots.txt"),
    "frequency_png": Request("GET", "/frequency", "users=realDonaldTrump&n=50"),
    "sentiment_html": Request("GET", "/html/sentiment", "users=realDonaldTrump&n=50"),
    "sentiment_json": Request("GET", "/api/sentiment", "users=realDonaldTrump&n=50"),
    "frequency_unknown_account": Request("GET", "/frequency", "users=nobody_here&n=50"),
    "frequency_bad_n": Request("GET", "/api/frequency", "users=realDonaldTrump&n=0"),
    "plotly_js": Request("GET", f"/static/{plotlyjs.file_name()}"),
}


@pytest.fixture(scope="module")
def cloud_run() -> TestClient:
    return TestClient(cloud_run_app, raise_server_exceptions=False)


def _cloud_run(client: TestClient, request: Request) -> Delivered:
    response = client.request(request.method, request.url, headers=request.headers, content=request.body or None)
    return Delivered(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content)


def _gcf(client: flask.testing.FlaskClient, request: Request) -> Delivered:
    response = client.open(
        request.path, method=request.method, query_string=request.query, headers=request.headers, data=request.body
    )
    return Delivered(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.data)


def _lambda(kind: str, request: Request) -> Delivered:
    return delivered(aws_lambda.handler(http_event(kind, request), FakeContext()))


SINGLE_VALUE_ALB_KEEPS_LAST = {"book_repeated"}
"""An ALB without multi-value headers passes only the last value of a repeated query parameter (AWS
documents it); the request then carries one row, which is what the test checks for it instead."""


def _comparable(answer: Delivered) -> tuple[int, str, bytes]:
    return answer.status, answer.headers.get("content-type", ""), answer.body


@pytest.mark.parametrize("name", REQUESTS)
def test_every_platform_answers_alike(name: str, cloud_run: TestClient, gcf_client: flask.testing.FlaskClient) -> None:
    request = REQUESTS[name]
    expected = _cloud_run(cloud_run, request)
    assert expected.status < 500, expected.body
    kinds = [k for k in HTTP_KINDS if not (k == "alb" and name in SINGLE_VALUE_ALB_KEEPS_LAST)]
    answers = {"gcf": _gcf(gcf_client, request)} | {f"aws-{kind}": _lambda(kind, request) for kind in kinds}
    for platform, answer in answers.items():
        assert _comparable(answer) == _comparable(expected), platform
        if expected.status >= 400 and request.method != "OPTIONS":
            assert set(json.loads(answer.body)["error"]) >= {"type", "message"}, platform


def test_bad_inputs_name_their_field_everywhere(gcf_client: flask.testing.FlaskClient) -> None:
    request = REQUESTS["book_not_whole"]
    for answer in (_gcf(gcf_client, request), *(_lambda(kind, request) for kind in HTTP_KINDS)):
        assert answer.status == 422
        assert json.loads(answer.body)["error"]["field"] == "pregnant"


def test_a_single_value_alb_passes_the_last_of_repeated_values(cloud_run: TestClient) -> None:
    last_only = Request("GET", "/predict_data", "pregnant=6&glucose=148&pressure=72")
    assert _lambda("alb", REQUESTS["book_repeated"]).body == _cloud_run(cloud_run, last_only).body

"""What the corpus holds: each neutral request, the platforms it is recorded for, and the non-HTTP events.

``emulator.corpus`` turns these into case files (``python -m emulator corpus``). Add a route's cases
here; a platform missing from a request's tuple is one whose answer that route does not vary by.
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from emulator.messages import HttpRequest

ALL_HTTP = ("cloud-run", "gcf", "aws-http", "aws-rest", "aws-alb", "aws-url")
LAMBDA_HTTP = ("aws-http", "aws-rest", "aws-alb", "aws-url")
PLAIN = ("cloud-run", "gcf")
UA = ("User-Agent", "curl/8.5.0")
ANY = ("Accept", "*/*")
BROWSER_IMG = ("Accept", "image/avif,image/webp,image/png,image/*,*/*;q=0.8")
BROWSER_PAGE = ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")

CSV = (
    b"pregnant,glucose,pressure,triceps,insulin,mass,pedigree,age\n"
    b"6,148,72,35,0,33.6,0.627,50\n1,85,66,29,0,26.6,0.351,31\n"
)
ROWS = b'{"rows":[{"pregnant":6,"glucose":148,"pressure":72},{"pregnant":1,"glucose":85,"pressure":66}]}'
JSON = "application/json"
DIABETES_GBM_ROW = "6, 148, 72, 35, 0, 33.6, 0.627, 50"
COLUMNS = b'{"columns":{"pregnant":[6,1],"glucose":[148,85],"pressure":[72,66]}}'
BOSTON_RAD_ROWS = b'{"rows":[{"rm":6.5,"lstat":5,"crim":0.02,"rad":4},{"rm":5.9,"lstat":20,"crim":3,"rad":null}]}'


def get(path: str, query: str = "", *headers: tuple[str, str]) -> HttpRequest:
    return HttpRequest("GET", path, query, (UA, *(headers or (ANY,))))


def post(path: str, body: bytes, content_type: str, *headers: tuple[str, str]) -> HttpRequest:
    return HttpRequest("POST", path, "", (UA, ANY, ("Content-Type", content_type), *headers), body)


# name -> (description, request, platforms)
HTTP_CASES: dict[str, tuple[str, HttpRequest, tuple[str, ...]]] = {
    "health": ("liveness and model versions", get("/health"), ALL_HTTP),
    "predict_data__book": (
        "the book's route, one row",
        get("/predict_data", "pregnant=1&glucose=3&pressure=1"),
        ALL_HTTP,
    ),
    "predict_data__repeated": (
        "repeated query parameters give one answer per row",
        get("/predict_data", "pregnant=1&pregnant=6&glucose=85&glucose=148&pressure=66&pressure=72"),
        ALL_HTTP,
    ),
    "predict_data__url_encoded": (
        "percent-encoded values (1.5e2 and a space-padded number) decode before parsing",
        get("/predict_data", "pregnant=%201&glucose=1%2E5e2&pressure=7%30"),
        ALL_HTTP,
    ),
    "predict_data__non_ascii_value": (
        "a non-ASCII value is a 422 naming the field",
        get("/predict_data", "pregnant=1&glucose=%C3%A9l%C3%A8ve&pressure=70"),
        ALL_HTTP,
    ),
    "predict_data__missing_field": (
        "a missing parameter is a 422 naming it",
        get("/predict_data", "pregnant=1&glucose=100"),
        ALL_HTTP,
    ),
    "predict_data__not_a_number": ("pregnant=abc", get("/predict_data", "pregnant=abc&glucose=1&pressure=1"), PLAIN),
    "models": ("every model's metadata", get("/models"), PLAIN),
    "model__boston_rad": (
        "an imported pipeline's metadata: its features, the library and the class it came from",
        get("/models/boston-rad"),
        PLAIN,
    ),
    "model__boston_rad_predict_data": (
        "an imported pipeline with a one-hot column over every HTTP platform; rad=7 is a category the fit never saw",
        get("/models/boston-rad/predict_data", "rm=6.5&lstat=5&crim=0.02&rad=4&rm=5.9&lstat=20&crim=3&rad=7"),
        ALL_HTTP,
    ),
    "model__boston_rad_predict_rows": (
        "an imported pipeline over JSON rows; a missing rad (null) is a row the one-hot encoder leaves at zero",
        post("/models/boston-rad/predict", BOSTON_RAD_ROWS, JSON),
        ("cloud-run", "gcf", "aws-http"),
    ),
    "model__boston_rad_missing_number": (
        "an imported pipeline whose numbers may not be missing: a null rm is a 422 naming the field",
        post("/models/boston-rad/predict", b'{"rows":[{"rm":null,"lstat":5,"crim":0.02,"rad":4}]}', JSON),
        PLAIN,
    ),
    "model__diabetes_gbm": ("one model's metadata", get("/models/diabetes-gbm"), ("cloud-run", "gcf", "aws-http")),
    "model__boston_predict_data": (
        "a regression through its own route",
        get("/models/boston/predict_data", "crim=0.01&zn=18&indus=2.3&chas=0&nox=0.5&rm=6&age=65&dis=4&rad=1&tax=242"),
        ALL_HTTP,
    ),
    "model__unknown": ("an unknown model is a 404 naming it", get("/models/unknown-model"), PLAIN),
    "model__non_ascii_name": (
        "a non-ASCII, percent-encoded model name is a 404",
        get("/models/diab%C3%A9tes/predict_data", "pregnant=1"),
        ALL_HTTP,
    ),
    "predict__csv": (
        "a CSV batch",
        post("/models/diabetes-gbm/predict", CSV, "text/csv"),
        ALL_HTTP,
    ),
    "predict__json_rows": (
        "a JSON batch as rows",
        post("/models/diabetes/predict", ROWS, "application/json"),
        ALL_HTTP,
    ),
    "predict__json_columns": (
        "a JSON batch as columns",
        post("/models/diabetes/predict", COLUMNS, "application/json; charset=utf-8"),
        PLAIN + ("aws-http",),
    ),
    "predict__malformed_json": (
        "malformed JSON is a 400",
        post("/models/diabetes/predict", b'{"rows": [', "application/json"),
        ALL_HTTP,
    ),
    "predict__unsupported_media_type": (
        "an XML body is a 415",
        post("/models/diabetes/predict", b"<rows/>", "application/xml"),
        PLAIN + ("aws-rest",),
    ),
    "predict__empty_batch": (
        "no rows is a 422",
        post("/models/diabetes/predict", b'{"rows": []}', "application/json"),
        PLAIN,
    ),
    "predict__binary_body": (
        "a body of raw bytes (base64 in the Lambda events) is a 400 or 415, never a 500",
        post("/models/diabetes/predict", b"\x89PNG\r\n\x1a\n\x00\xff", "application/octet-stream"),
        ALL_HTTP,
    ),
    "predict__with_cookies": (
        "cookies travel in the 2.0 event's cookies field",
        post("/models/diabetes/predict", ROWS, "application/json", ("Cookie", "session=abc; theme=dark")),
        ("cloud-run", "aws-http", "aws-url", "aws-rest"),
    ),
    "docs": ("the interactive API docs page", get("/docs", "", BROWSER_PAGE), ("cloud-run", "gcf", "aws-http")),
    "openapi": (
        "the OpenAPI schema (body not compared: it changes with every route; schemathesis checks it)",
        get("/openapi.json"),
        ("cloud-run", "gcf", "aws-rest"),
    ),
    "not_found": ("an unknown path is a 404 in the JSON error shape", get("/no/such/route"), ALL_HTTP),
    "method_not_allowed": (
        "GET on a POST route is a 405 naming the allowed method",
        get("/models/diabetes/predict"),
        PLAIN + ("aws-rest", "aws-http"),
    ),
}

ANALYSIS_CASES: dict[str, tuple[str, HttpRequest, tuple[str, ...]]] = {
    "frequency__png": (
        "tweets per day as a PNG (base64 in Lambda answers)",
        get("/frequency", "users=realDonaldTrump&n=50", BROWSER_IMG),
        ("cloud-run", "gcf", "aws-http", "aws-rest"),
    ),
    "sentiment__png": (
        "sentiment per day as a PNG",
        get("/sentiment", "users=realDonaldTrump&n=50", BROWSER_IMG),
        ("cloud-run", "aws-url"),
    ),
    "html_sentiment": (
        "the interactive chart page; plotly's random div ids are normalized",
        get("/html/sentiment", "users=realDonaldTrump&n=50", BROWSER_PAGE),
        ("cloud-run", "gcf", "aws-http", "aws-alb"),
    ),
    "api_frequency": (
        "tweets per day as JSON",
        get("/api/frequency", "users=realDonaldTrump&n=50"),
        ALL_HTTP,
    ),
    "api_sentiment__url_encoded_users": (
        "a percent-encoded comma between users",
        get("/api/sentiment", "users=realDonaldTrump%2CrealDonaldTrump&n=20"),
        PLAIN + ("aws-http",),
    ),
    "api_frequency__bad_user": (
        "an invalid handle is a 422 naming users",
        get("/api/frequency", "users=not%20a%20handle!"),
        ALL_HTTP,
    ),
    "api_frequency__unknown_account": (
        "an account with no tweets is a 404 naming it",
        get("/api/frequency", "users=nobody_here_123"),
        PLAIN + ("aws-rest",),
    ),
    "static_plotly": (
        "plotly.js served by the service itself (3.5 MB, compared by sha256)",
        get("/static/plotly.min.js"),
        ("cloud-run", "aws-http", "aws-rest"),
    ),
    "api_sentiment__n_too_large": (
        "n over the limit is a 422 naming n",
        get("/api/sentiment", "users=a&n=999999"),
        PLAIN,
    ),
}

BIGQUERY = ("cloud-run", "gcf")
"""BigQuery's connection reaches the Google deployments (README, "BigQuery remote functions")."""
SNOWFLAKE = ("aws-rest", "cloud-run")
"""Snowflake's API integration calls the REST API; Cloud Run's case lets parity compare it everywhere."""
SF_HEADERS = (
    ("sf-external-function-format", "json"),
    ("sf-external-function-format-version", "1.0"),
    ("sf-external-function-current-query-id", "01b0a3c4-0000-1111-0000-000000000000"),
    ("sf-external-function-query-batch-id", "01b0a3c4-0000-1111-0000-000000000000:1:1:0:0"),
    ("sf-external-function-name", "PREDICT_DIABETES"),
)


def bigquery(calls: str, context: str = "") -> bytes:
    """A request as BigQuery's documentation shows it, with these calls (and ``userDefinedContext``)."""
    extra = f', "userDefinedContext": {context}' if context else ""
    return (
        '{"requestId": "124ab1c", "caller": "//bigquery.googleapis.com/projects/myproject/jobs/'
        'myproject:US.bquxjob_5b4c112c_17961fafeaf", "sessionUser": "test-user@test-company.com"'
        f'{extra}, "calls": {calls}}}'
    ).encode()


WAREHOUSE_CASES: dict[str, tuple[str, HttpRequest, tuple[str, ...]]] = {
    "bigquery__calls": (
        "BigQuery remote function: one label per call, in order; an INT64 sent as a string is read",
        post("/bigquery/diabetes", bigquery('[[6, 148, 72], [1, "85", 66]]'), "application/json"),
        BIGQUERY,
    ),
    "bigquery__probability": (
        "user_defined_context output=probability",
        post("/bigquery/diabetes-gbm", bigquery(f"[[{DIABETES_GBM_ROW}]]", '{"output": "probability"}'), JSON),
        BIGQUERY,
    ),
    "bigquery__null": (
        "SQL NULL is a 400 naming the call and the field, which BigQuery does not retry",
        post("/bigquery/diabetes", bigquery("[[6, 148, 72], [1, null, 66]]"), "application/json"),
        BIGQUERY,
    ),
    "bigquery__wrong_arity": (
        "a call with too few values is a 400 naming the call and the order",
        post("/bigquery/diabetes", bigquery("[[6, 148]]"), "application/json"),
        BIGQUERY,
    ),
    "bigquery__unknown_model": (
        "an unknown model is a 400 (not a 404: a permanent error)",
        post("/bigquery/nope", bigquery("[[1]]"), "application/json"),
        BIGQUERY,
    ),
    "bigquery__empty": ("no calls, no replies", post("/bigquery/diabetes", bigquery("[]"), JSON), BIGQUERY),
    "snowflake__rows": (
        "Snowflake external function: [row number, result] per row, in the order received",
        post("/snowflake/diabetes", b'{"data": [[0, 6, 148, 72], [1, 1, 85, 66]]}', JSON, *SF_HEADERS),
        SNOWFLAKE,
    ),
    "snowflake__probability": (
        "?output=probability",
        HttpRequest(
            "POST",
            "/snowflake/diabetes-gbm",
            "output=probability",
            (UA, ANY, ("Content-Type", JSON), *SF_HEADERS),
            f'{{"data": [[0, {DIABETES_GBM_ROW}]]}}'.encode(),
        ),
        SNOWFLAKE,
    ),
    "snowflake__bad_row": (
        "a value the model refuses is a 400 naming the row and the field",
        post("/snowflake/diabetes", b'{"data": [[0, 6, 148, 72], [1, 1.5, 85, 66]]}', JSON, *SF_HEADERS),
        SNOWFLAKE,
    ),
    "snowflake__gzip": (
        "COMPRESSION = AUTO: a gzip body (base64 in the REST API's event) is read",
        post(
            "/snowflake/diabetes",
            gzip.compress(b'{"data": [[0, 6, 148, 72]]}', mtime=0),
            JSON,
            ("Content-Encoding", "gzip"),
            *SF_HEADERS,
        ),
        SNOWFLAKE,
    ),
}

# "<platform>/<name>" -> (description, request, gateway settings in serverless.yml spelling)
GATEWAY_VARIANTS: dict[str, tuple[str, HttpRequest, dict[str, Any]]] = {
    "aws-alb/predict_data__repeated_multi_value": (
        "a target group with multi-value headers: repeated parameters arrive as lists",
        get("/predict_data", "pregnant=1&pregnant=6&glucose=85&glucose=148&pressure=66&pressure=72"),
        {"multiValueHeaders": True},
    ),
    "aws-rest/predict__csv_text_media_types": (
        "binaryMediaTypes limited to image/png: the CSV body arrives as text, not base64",
        post("/models/diabetes-gbm/predict", CSV, "text/csv"),
        {"binaryMediaTypes": ["image/png"]},
    ),
}

DIABETES_GBM_CSV = "6,148,72,35,0,33.6,0.627,50\n1,85,66,29,0,26.6,0.351,31"


def redshift(function: str, arguments: list[Any]) -> dict[str, Any]:
    """A Redshift Lambda UDF event as Redshift's documentation shows it."""
    return {
        "request_id": "23FF1F97-F28A-44AA-AB67-266ED976BF40",
        "cluster": "arn:aws:redshift:us-east-1:123456789012:cluster:my_cluster",
        "user": "adminuser",
        "database": "db1",
        "external_function": function,
        "query_id": 5678234,
        "num_records": len(arguments),
        "arguments": arguments,
    }


INVOKE_CASES: dict[str, tuple[str, Any]] = {
    "predict__csv_data": (
        "SageMaker-style CSV rows in the model's feature order",
        {"model": "diabetes-gbm", "data": DIABETES_GBM_CSV},
    ),
    "predict__rows": (
        "JSON rows",
        {"model": "diabetes", "rows": [{"pregnant": 6, "glucose": 148, "pressure": 72}]},
    ),
    "predict__boston_rad": (
        "an imported pipeline, invoked directly: CSV rows in its feature order (rm, lstat, crim, rad)",
        {"model": "boston-rad", "data": "6.5,5,0.02,4\n5.9,20,3,24\n"},
    ),
    "predict__unknown_model": ("an unknown model is an error object naming it", {"model": "nope", "data": "1,2,3"}),
    "predict__missing_data": ("neither data nor rows", {"model": "diabetes"}),
    "predict__wrong_feature_count": ("a CSV row with too few values", {"model": "diabetes-gbm", "data": "1,2,3"}),
    "redshift__predict": (
        "Redshift Lambda UDF predict_<model>: the labels, as the JSON string Redshift reads",
        redshift("public.predict_diabetes", [[6, 148, 72], [1, 85, 66]]),
    ),
    "redshift__predict_proba": (
        "predict_proba_<model>, a '-' in the model's name written '_'",
        redshift("public.predict_proba_diabetes_gbm", [[6, 148, 72, 35, 0, 33.6, 0.627, 50]]),
    ),
    "redshift__null_row": (
        "a NULL argument, as in Redshift's own example: success false naming the row and the field",
        redshift("public.predict_diabetes", [[6, 148, 72], [1, None, 66], None]),
    ),
    "redshift__unknown_function": (
        "a function that names no model: success false listing the names",
        redshift("public.score_patients", [[1, 2, 3]]),
    ),
    "s3_event": (
        "an S3 notification for a key outside incoming/ is refused by the guard and acknowledged",
        {
            "Records": [
                {
                    "eventVersion": "2.1",
                    "eventSource": "aws:s3",
                    "awsRegion": "us-east-1",
                    "eventTime": "2023-11-14T22:13:20.000Z",
                    "eventName": "ObjectCreated:Put",
                    "s3": {"bucket": {"name": "example-bucket"}, "object": {"key": "batch.csv", "size": 1024}},
                }
            ]
        },
    ),
    "schedule_event": (
        "an EventBridge schedule is refused naming the event kind",
        {
            "version": "0",
            "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "123456789012",
            "time": "2023-11-14T22:13:20Z",
            "region": "us-east-1",
            "resources": ["arn:aws:events:us-east-1:123456789012:rule/nightly"],
            "detail": {},
        },
    ),
}


def pubsub(model: str | None, data: bytes, content_type: str | None = None, mode: str = "binary") -> dict[str, Any]:
    attributes = {k: v for k, v in (("model", model), ("contentType", content_type)) if v}
    return {
        "mode": mode,
        "attributes": {
            "specversion": "1.0",
            "id": "8226543810155398",
            "source": "//pubsub.googleapis.com/projects/example-project/topics/predictions",
            "type": "google.cloud.pubsub.topic.v1.messagePublished",
            "time": "2023-11-14T22:13:20.000Z",
            "datacontenttype": "application/json",
        },
        "data": {
            "message": {
                "data": base64.b64encode(data).decode(),
                "attributes": attributes,
                "messageId": "8226543810155398",
                "publishTime": "2023-11-14T22:13:20.000Z",
            },
            "subscription": "projects/example-project/subscriptions/predictions-sub",
        },
    }


EVENT_CASES: dict[str, tuple[str, Any]] = {
    "pubsub__json_rows": ("a Pub/Sub message with JSON rows, binary content mode", pubsub("diabetes", ROWS)),
    "pubsub__csv_structured": (
        "CSV rows, structured content mode",
        pubsub("diabetes-gbm", CSV, "text/csv", mode="structured"),
    ),
    "pubsub__unknown_model": ("logged as an ERROR and acknowledged, not retried", pubsub("nope", ROWS)),
    "pubsub__no_model_attribute": ("the model attribute is missing", pubsub(None, ROWS)),
}


UNCOMPARED_BODIES = {"openapi"}
"""Cases whose body is not compared (an expectation without ``body``)."""

PARITY_KNOWN: dict[str, dict[str, str]] = {
    "static_plotly": {
        "aws-alb": "an ALB refuses Lambda answers over 1 MB (502); plotly.js is 4.8 MB: serve it from a CDN there",
    },
}
"""Divergences parity reports but accepts, written into the cases' ``parity.known``."""

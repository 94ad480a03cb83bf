"""The local API Gateway: routes from serverless.yml, the gateway's rules on the way in and out, a real server."""

from __future__ import annotations

import base64
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import orjson
import pytest

from emulator.messages import HttpRequest
from emulator.serve import LocalGateway, make_server
from emulator.slsconfig import load
from tests.emulator.fake_handlers import tiny_png
from tests.emulator.servers import running

FIXTURE = Path(__file__).parent / "serverless.fixture.yml"


@pytest.fixture(scope="module")
def deployment():
    return load(FIXTURE)


def get(path: str, *headers: tuple[str, str], query: str = "") -> HttpRequest:
    return HttpRequest("GET", path, query, headers)


def test_the_config_is_read_as_the_framework_reads_it(deployment):
    assert deployment.binary_media_types == ("image/png",)
    assert deployment.functions["slow"].timeout_s == 1.0  # ${self:custom.slowTimeout}
    assert deployment.functions["echo"].memory_mb == 256
    assert deployment.functions["png"].timeout_s == 10.0  # provider.timeout
    assert deployment.functions["api"].handler == "handlers/aws_lambda.handler"
    kinds = {(r.function, r.kind, r.method, r.path) for r in deployment.routes}
    assert ("png", "http", "GET", "/chart.png") in kinds
    assert ("echo", "httpApi", "*", "/echo/{name}") in kinds
    assert ("api", "httpApi", "*", "*") in kinds


@pytest.mark.parametrize(
    ("accept", "binary"),
    [
        ("image/png", True),
        ("image/png, application/json", True),
        ("application/json, image/png", False),  # only the first Accept type counts
        ("*/*", False),  # */* is not image/png; a binaryMediaTypes of */* would match it
        (None, False),
    ],
)
def test_rest_api_decodes_base64_only_when_the_first_accept_type_is_binary(deployment, accept, binary):
    headers = (("Accept", accept),) if accept else ()
    response = LocalGateway("aws-rest", deployment).handle(get("/chart.png", *headers))
    assert response.status == 200
    expected = tiny_png()
    assert response.body == (expected if binary else base64.b64encode(expected))


def test_http_api_always_decodes_base64(deployment):
    response = LocalGateway("aws-http", deployment).handle(get("/chart.png", ("Accept", "application/json")))
    assert response.body == tiny_png()
    assert all(name == name.lower() for name, _ in response.headers)


def test_unmatched_routes_answer_as_each_gateway_does(deployment):
    rest = LocalGateway("aws-rest", deployment, stage="dev").handle(get("/chart.png"))  # no stage prefix
    assert (rest.status, orjson.loads(rest.body)) == (403, {"message": "Missing Authentication Token"})
    only_http = load(FIXTURE)
    only_http.routes[:] = [r for r in only_http.routes if r.function == "png"]
    missing = LocalGateway("aws-http", only_http).handle(get("/nowhere"))
    assert (missing.status, orjson.loads(missing.body)) == (404, {"message": "Not Found"})


def test_rest_stage_prefix_is_stripped_and_path_parameters_filled(deployment):
    response = LocalGateway("aws-rest", deployment, stage="dev").handle(get("/dev/echo/caf%C3%A9", query="a=1&a=2"))
    event = orjson.loads(response.body)["event"]
    assert event["resource"] == "/echo/{name}"
    assert event["pathParameters"] == {"name": "caf%C3%A9"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert event["requestContext"]["stage"] == "dev"


def test_http_api_route_key_cookies_and_lambda_context(deployment):
    request = get("/echo/x", ("Cookie", "a=1; b=2"), ("X-Twice", "1"), ("X-Twice", "2"))
    response = LocalGateway("aws-http", deployment).handle(request)
    body = orjson.loads(response.body)
    assert body["event"]["routeKey"] == "ANY /echo/{name}"
    assert body["event"]["cookies"] == ["a=1", "b=2"]
    assert body["event"]["headers"]["x-twice"] == "1,2"
    context = body["context"]
    assert context["memory_limit_in_mb"] == 256
    assert context["function_name"] == "emulator-fixture-dev-echo"
    assert context["invoked_function_arn"].endswith(":function:emulator-fixture-dev-echo")
    assert 9_000 < context["remaining_ms"] <= 10_000
    assert context["aws_request_id"].replace("-", "") in context["log_stream_name"]
    assert [v for k, v in response.headers if k == "set-cookie"] == ["session=s1; Path=/", "theme=dark"]
    assert [v for k, v in response.headers if k == "x-multi"] == ["a", "b"]


def test_function_timeout_is_a_lambda_error(deployment):
    assert LocalGateway("aws-rest", deployment).handle(get("/slow")).status == 502
    assert LocalGateway("aws-http", deployment).handle(get("/slow")).status == 500


def test_integration_timeout_is_the_gateways_own_answer(deployment):
    """A function allowed more time than the gateway waits: the gateway gives up first (504 REST, 503 HTTP API)."""
    rest = LocalGateway("aws-rest", deployment, integration_timeout_s=0.2).handle(get("/slow"))
    assert (rest.status, orjson.loads(rest.body)) == (504, {"message": "Endpoint request timed out"})
    http = LocalGateway("aws-http", deployment, integration_timeout_s=0.2).handle(get("/slow"))
    assert (http.status, orjson.loads(http.body)) == (503, {"message": "Service Unavailable"})


def test_response_over_6_mb_is_502_on_rest_and_500_on_http_api(deployment):
    assert LocalGateway("aws-rest", deployment).handle(get("/huge")).status == 502
    assert LocalGateway("aws-http", deployment).handle(get("/huge")).status == 500


def test_request_over_the_lambda_payload_limit_is_413(deployment):
    request = HttpRequest("POST", "/echo/x", "", (("Content-Type", "text/plain"),), b"x" * 6_300_000)
    response = LocalGateway("aws-http", deployment).handle(request)
    assert (response.status, orjson.loads(response.body)) == (413, {"message": "Request Entity Too Large"})


def test_function_error_and_missing_status_code(deployment):
    assert LocalGateway("aws-rest", deployment).handle(get("/crash")).status == 502
    assert LocalGateway("aws-http", deployment).handle(get("/crash")).status == 500
    assert LocalGateway("aws-rest", deployment).handle(get("/bare")).status == 502
    inferred = LocalGateway("aws-http", deployment).handle(get("/bare"))
    assert (inferred.status, orjson.loads(inferred.body)) == (200, {"answer": 42})


@pytest.fixture
def rest_server() -> Iterator[str]:
    with running(make_server("aws-rest", FIXTURE, "127.0.0.1", 0)) as base:
        yield base


def fetch(url: str, accept: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as answer:
        return answer.status, answer.headers["content-type"], answer.read()


@pytest.mark.slow
def test_real_server_serves_the_real_handler_and_applies_binary_rules(rest_server):
    status, kind, body = fetch(f"{rest_server}/health", "application/json")
    assert (status, kind, orjson.loads(body)["status"]) == (200, "application/json", "ok")
    assert fetch(f"{rest_server}/chart.png", "image/png")[2] == tiny_png()
    assert fetch(f"{rest_server}/chart.png", "text/html")[2] == base64.b64encode(tiny_png())


PROJECT_CONFIG = Path(__file__).resolve().parents[2] / "serverless.yml"


def project_rest_server(binary_media_types: list[str] | None = None) -> AbstractContextManager[str]:
    return running(make_server("aws-rest", PROJECT_CONFIG, "127.0.0.1", 0, binary_media_types=binary_media_types))


def fetch_raw(url: str, accept: str | None) -> bytes:
    request = urllib.request.Request(url)
    if accept is not None:
        request.add_header("Accept", accept)
    else:
        request.skip_accept = True  # type: ignore[attr-defined]
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200
        return answer.read()


@pytest.mark.slow
def test_project_config_answers_png_bytes_or_base64_text_by_the_first_accept_type():
    """The issue's check: /frequency through serverless.yml's REST API, as the real gateway answers it."""
    url = "/frequency?users=realDonaldTrump&n=50"
    with project_rest_server() as base:  # binaryMediaTypes: */* in serverless.yml
        png = fetch_raw(base + url, "image/png")
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert fetch_raw(base + url, "text/html,*/*;q=0.8") == png  # */* matches any first type
        assert fetch_raw(base + url, None) == base64.b64encode(png)  # no Accept: no match
    with project_rest_server(["image/png"]) as base:
        assert fetch_raw(base + url, "image/png") == png
        assert fetch_raw(base + url, "application/json, image/png") == base64.b64encode(png)

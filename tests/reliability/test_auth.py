"""API-key auth: off without keys, on with them, the same 401 JSON on Cloud Run, Lambda and Cloud Functions."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from handlers.http_app import create_app
from handlers.middleware.auth import api_key_hashes
from handlers.settings import Settings
from tests.reliability.conftest import KEY
from tests.reliability.platforms import PLATFORMS, Call

OTHER_KEY = "second-test-only-key-not-a-secret"  # pragma: allowlist secret
BOOK = "/predict_data?pregnant=1&glucose=3&pressure=1"


@pytest.fixture(scope="module")
def protected_app() -> FastAPI:
    # One key stored as plain text, one only as its hash, as a deployment may keep it.
    hashes = api_key_hashes({"API_KEYS": f"{KEY}, sha256:{hashlib.sha256(OTHER_KEY.encode()).hexdigest()}"})
    return create_app(dataclasses.replace(Settings.from_env(), api_key_hashes=hashes))


@pytest.fixture(params=sorted(PLATFORMS))
def call(request: pytest.FixtureRequest) -> Call:
    return PLATFORMS[request.param]


def test_without_keys_every_route_is_open(call: Call, make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(api_key_hashes=frozenset()))
    assert call(app, "GET", BOOK).status == 200


def test_a_request_without_a_key_gets_401_json_naming_the_header(call: Call, protected_app: FastAPI) -> None:
    answer = call(protected_app, "GET", BOOK)
    assert answer.status == 401
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["www-authenticate"] == 'ApiKey realm="serverless-ml", header="X-API-Key"'
    assert answer.json()["error"]["type"] == "UnauthorizedError"
    assert answer.json()["error"]["field"] == "X-API-Key"


@pytest.mark.parametrize("key", ["", "wrong-key-of-enough-length", KEY[:-1], KEY + "x", KEY.upper()])
def test_a_wrong_key_gets_401_without_echoing_it(call: Call, protected_app: FastAPI, key: str) -> None:
    answer = call(protected_app, "GET", BOOK, headers={"X-API-Key": key})
    assert answer.status == 401 and answer.json()["error"]["type"] == "UnauthorizedError"
    assert not key or key.encode() not in answer.body


@pytest.mark.parametrize("key", [KEY, OTHER_KEY])
def test_an_accepted_key_reaches_the_route(call: Call, protected_app: FastAPI, key: str) -> None:
    answer = call(protected_app, "GET", BOOK, headers={"X-API-Key": key})
    assert answer.status == 200 and answer.json()["Answer"] == ["no"]


def test_a_post_with_a_key_is_answered(call: Call, protected_app: FastAPI) -> None:
    body = b"pregnant,glucose,pressure\n1,3,1\n"
    answer = call(
        protected_app,
        "POST",
        "/models/diabetes/predict",
        headers={"X-API-Key": KEY, "Content-Type": "text/csv"},
        body=body,
    )
    assert answer.status == 200 and answer.json()["predictions"] == ["no"]


@pytest.mark.parametrize("path", ["/health", "/openapi.json", "/docs"])
def test_health_and_docs_stay_open(call: Call, protected_app: FastAPI, path: str) -> None:
    assert call(protected_app, "GET", path).status == 200


def test_cors_preflight_is_answered_without_a_key(call: Call, make_settings: Callable[..., Settings]) -> None:
    app = create_app(
        make_settings(api_key_hashes=api_key_hashes({"API_KEYS": KEY}), cors_origins=("https://a.example",))
    )
    preflight = {
        "Origin": "https://a.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-api-key",
    }
    answer = call(app, "OPTIONS", "/predict_data", headers=preflight)
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] == "https://a.example"
    # The 401 itself carries CORS headers, so a browser page can read why it was refused.
    refused = call(app, "GET", BOOK, headers={"Origin": "https://a.example"})
    assert refused.status == 401 and refused.headers["access-control-allow-origin"] == "https://a.example"


def test_the_schema_documents_the_key_only_when_keys_are_set(
    protected_app: FastAPI, make_settings: Callable[..., Settings]
) -> None:
    schema: dict[str, Any] = protected_app.openapi()
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    book = schema["paths"]["/predict_data"]["get"]
    assert book["security"] == [{"ApiKeyAuth": []}] and "401" in book["responses"]
    assert "security" not in schema["paths"]["/health"]["get"]
    open_schema = create_app(make_settings(api_key_hashes=frozenset())).openapi()
    assert "securitySchemes" not in open_schema.get("components", {})
    assert "401" not in open_schema["paths"]["/predict_data"]["get"]["responses"]


def test_keys_are_read_from_the_variable_and_from_a_mounted_secret_file(tmp_path: Path) -> None:
    secret = tmp_path / "api-keys"
    secret.write_text(f"{OTHER_KEY}\nsha256:{'ab' * 32}\n")
    hashes = api_key_hashes({"API_KEYS": KEY, "API_KEYS_FILE": str(secret)})
    assert hashes == {
        hashlib.sha256(KEY.encode()).hexdigest(),
        hashlib.sha256(OTHER_KEY.encode()).hexdigest(),
        "ab" * 32,
    }


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"API_KEYS": "short-key"}, "API_KEYS entry 1: a key needs at least 16 characters"),
        ({"API_KEYS": f"{KEY},sha256:xyz"}, "API_KEYS entry 2: a sha256: entry needs 64 hexadecimal digits"),
        ({"API_KEYS": "key with spaces in it"}, "API_KEYS entry 1: a key must be printable ASCII without spaces"),
        ({"API_KEYS_FILE": "/nonexistent/api-keys"}, "API_KEYS_FILE names a file that cannot be read"),
    ],
)
def test_a_bad_key_setting_stops_the_start_without_showing_the_value(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        api_key_hashes(environ)
    assert "short-key" not in str(caught.value) and "xyz" not in str(caught.value)


def test_auth_required_refuses_to_start_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_KEYS", raising=False)
    monkeypatch.delenv("API_KEYS_FILE", raising=False)
    monkeypatch.setenv("AUTH_REQUIRED", "true")
    with pytest.raises(ValueError, match="AUTH_REQUIRED is set but neither API_KEYS nor API_KEYS_FILE holds a key"):
        Settings.from_env()
    monkeypatch.setenv("API_KEYS", KEY)
    assert Settings.from_env().api_key_hashes == {hashlib.sha256(KEY.encode()).hexdigest()}


def test_settings_never_show_the_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEYS", KEY)
    shown = repr(Settings.from_env())
    assert KEY not in shown and hashlib.sha256(KEY.encode()).hexdigest() not in shown


@pytest.mark.parametrize(
    "headers",
    [
        [("X-API-Key", KEY), ("X-API-Key", OTHER_KEY)],  # two accepted keys: Cloud Run used to take the first
        [("X-API-Key", KEY), ("X-API-Key", KEY)],
        [("X-API-Key", "wrong-key-of-enough-length"), ("X-API-Key", KEY)],
        [("X-API-Key", f"{KEY},{OTHER_KEY}")],  # as Lambda's gateway and WSGI servers join them
    ],
    ids=["two-accepted", "the-same-twice", "wrong-then-accepted", "comma-joined"],
)
def test_more_than_one_key_gets_the_same_401_on_every_platform(
    protected_app: FastAPI, headers: list[tuple[str, str]]
) -> None:
    answers = {name: call(protected_app, "GET", BOOK, headers=headers) for name, call in PLATFORMS.items()}
    assert {name: answer.status for name, answer in answers.items()} == dict.fromkeys(PLATFORMS, 401)
    bodies = {answer.body for answer in answers.values()}
    assert len(bodies) == 1, bodies
    error = answers["cloud_run"].json()["error"]
    assert error == {
        "type": "UnauthorizedError",
        "message": "unauthorized: send one key in the X-API-Key header, not 2",
        "field": "X-API-Key",
    }
    assert KEY.encode() not in answers["cloud_run"].body


def test_a_pubsub_push_may_carry_its_key_in_the_endpoint_url_and_no_other_route_may(protected_app: FastAPI) -> None:
    """A push subscription sends no custom header: its endpoint is `.../pubsub/score?key=KEY`."""
    client = TestClient(protected_app, raise_server_exceptions=False)
    push = {"message": {"data": base64.b64encode(b"not json").decode(), "messageId": "7"}, "subscription": "s"}
    refused = client.post("/pubsub/score", json=push)
    assert refused.status_code == 401 and "?key=" in refused.json()["error"]["message"]
    assert client.post(f"/pubsub/score?key={KEY}x", json=push).status_code == 401
    assert client.post(f"/pubsub/score?key={KEY}&key={OTHER_KEY}", json=push).status_code == 401  # one key
    assert client.post(f"/pubsub/score?key={KEY}", json=push).status_code == 200  # garbage: acknowledged
    assert client.get(f"{BOOK}&key={KEY}").status_code == 401  # elsewhere a URL is logged: header only

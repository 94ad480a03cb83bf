"""API keys and the X token from AWS Secrets Manager, against moto's server on 127.0.0.1 (no network, no AWS account).

What a deployment relies on: with ``SECRETS_MANAGER_SECRET_ID`` set and no key in the environment, every
route answers a key the store holds (on Cloud Run's transport and on Lambda's, through Mangum); a key a
rotation adds is accepted without a restart, one it removes is refused after the next look-up; a flood of
wrong keys makes at most one look-up a minute; the store's outage keeps the keys held; the store's values
never show in an error; and start-up refuses an unreachable or keyless store when AUTH_REQUIRED is set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from fastapi import FastAPI
from moto.server import ThreadedMotoServer

from core.prediction.registry import model_specs
from handlers import secrets
from handlers.http_app import create_app
from handlers.middleware.auth import is_open
from handlers.settings import Settings
from tests.reliability.platforms import PLATFORMS, Call

SECRET_ID = "serverless-ml/test"
KEY = "store-test-key-not-a-secret-0001"  # pragma: allowlist secret
ROTATED_KEY = "store-test-key-not-a-secret-0002"  # pragma: allowlist secret
X_TOKEN = "store-test-x-token-not-a-secret"  # pragma: allowlist secret


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def store(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh secret in moto, the environment a deployed function has (no key in it), and no cached copy."""
    for name in ("API_KEYS", "API_KEYS_FILE", "X_BEARER_TOKEN", "AWS_PROFILE"):
        monkeypatch.setenv(name, "")  # recorded, so whatever start-up writes here is undone after the test
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")  # pragma: allowlist secret
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AUTH_REQUIRED", "true")
    monkeypatch.setenv(secrets.SECRET_VARIABLE, SECRET_ID)
    client = boto3.client("secretsmanager")
    client.create_secret(Name=SECRET_ID, SecretString=json.dumps({"API_KEYS": KEY, "X_BEARER_TOKEN": X_TOKEN}))
    secrets.stored_secret.cache_clear()
    yield client
    secrets.stored_secret.cache_clear()
    client.delete_secret(SecretId=SECRET_ID, ForceDeleteWithoutRecovery=True)


def _app() -> FastAPI:
    return create_app(Settings.from_env())


def _requests(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) for every operation of the app's schema, path parameters filled with served values."""
    model = sorted(model_specs())[0]
    found = []
    for template, operations in app.openapi()["paths"].items():
        path = template.replace("{name}", model).replace("{model}", model).replace("{file_name}", "plotly.min.js")
        assert "{" not in path, f"a path parameter this test cannot fill: {template}"
        found += [(method.upper(), path) for method in operations]
    return found


@pytest.fixture(params=sorted(PLATFORMS))
def call(request: pytest.FixtureRequest) -> Call:
    return PLATFORMS[request.param]


def test_every_route_answers_a_key_from_the_store_and_refuses_a_request_without_one(store: Any, call: Call) -> None:
    app = _app()
    operations = _requests(app)
    assert len(operations) >= 10
    for method, path in operations:
        keyed = call(app, method, path, headers={"X-API-Key": KEY})
        assert keyed.status not in (401, 403) and keyed.status < 500, (method, path, keyed.status, keyed.body[:300])
        if not is_open(path):
            assert call(app, method, path).status == 401, (method, path)


def test_the_x_token_comes_from_the_store_into_the_process_only(store: Any) -> None:
    import os

    Settings.from_env()
    assert os.environ["X_BEARER_TOKEN"] == X_TOKEN


def test_a_key_a_rotation_adds_is_accepted_and_one_it_removes_is_refused(store: Any) -> None:
    app = _app()
    call = PLATFORMS["aws_lambda"]
    book = "/predict_data?pregnant=1&glucose=3&pressure=1"
    assert call(app, "GET", book, headers={"X-API-Key": ROTATED_KEY}).status == 401  # before the rotation
    store.put_secret_value(SecretId=SECRET_ID, SecretString=json.dumps({"API_KEYS": ROTATED_KEY}))
    secret = secrets.stored_secret(SECRET_ID)
    secret._fetched_at -= secrets.MIN_REFRESH_SECONDS  # a minute later, as the rate limit counts it
    assert call(app, "GET", book, headers={"X-API-Key": ROTATED_KEY}).status == 200
    assert call(app, "GET", book, headers={"X-API-Key": KEY}).status == 401


def test_wrong_keys_look_the_store_up_at_most_once_a_minute(store: Any) -> None:
    app = _app()
    call = PLATFORMS["cloud_run"]
    secret = secrets.stored_secret(SECRET_ID)
    lookups = []
    fetch = secret.store.fetch
    secret.store.fetch = lambda: lookups.append(1) or fetch()  # type: ignore[method-assign]
    secret._fetched_at -= secrets.MIN_REFRESH_SECONDS
    for _ in range(20):
        assert call(app, "GET", "/models", headers={"X-API-Key": "wrong-key-of-enough-length"}).status == 401
    assert len(lookups) == 1
    store.put_secret_value(SecretId=SECRET_ID, SecretString=json.dumps({"API_KEYS": ROTATED_KEY}))
    assert call(app, "GET", "/models", headers={"X-API-Key": ROTATED_KEY}).status == 401  # still within the minute
    assert call(app, "GET", "/models", headers={"X-API-Key": KEY}).status == 200


def test_an_outage_of_the_store_keeps_the_keys_held(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app()
    call = PLATFORMS["cloud_run"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    secret = secrets.stored_secret(SECRET_ID)
    secret.store._client = None  # type: ignore[attr-defined]
    secret._fetched_at -= secrets.MIN_REFRESH_SECONDS
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    assert call(app, "GET", "/models", headers={"X-API-Key": "wrong-key-of-enough-length"}).status == 401
    assert call(app, "GET", "/models", headers={"X-API-Key": KEY}).status == 200


def test_a_rotation_that_leaves_no_key_keeps_the_previous_ones(store: Any) -> None:
    app = _app()
    call = PLATFORMS["cloud_run"]
    store.put_secret_value(SecretId=SECRET_ID, SecretString=json.dumps({"API_KEYS": "too-short"}))
    secrets.stored_secret(SECRET_ID)._fetched_at -= secrets.MIN_REFRESH_SECONDS
    assert call(app, "GET", "/models", headers={"X-API-Key": "too-short"}).status == 401
    assert call(app, "GET", "/models", headers={"X-API-Key": KEY}).status == 200


def test_start_up_refuses_a_missing_secret_naming_it(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(secrets.SECRET_VARIABLE, "serverless-ml/absent")
    with pytest.raises(ValueError, match=re.escape("secret serverless-ml/absent cannot be read")):
        Settings.from_env()


def test_start_up_refuses_a_secret_without_keys_when_they_are_required(store: Any) -> None:
    store.put_secret_value(SecretId=SECRET_ID, SecretString=json.dumps({"X_BEARER_TOKEN": X_TOKEN}))
    with pytest.raises(ValueError, match=f"secret {SECRET_ID}: API_KEYS") as raised:
        Settings.from_env()
    assert X_TOKEN not in str(raised.value)


def test_keys_in_both_the_environment_and_the_store_are_refused(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEYS", KEY)
    with pytest.raises(ValueError, match="not both"):
        Settings.from_env()


def test_without_a_store_nothing_imports_boto3() -> None:
    import subprocess
    import sys

    probe = "import sys, handlers.aws_lambda; assert 'boto3' not in sys.modules and 'botocore' not in sys.modules"
    env = {"PATH": "/usr/bin:/bin", "API_KEYS": KEY}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]

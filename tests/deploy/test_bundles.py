"""Each deployment's requirements cover everything its served paths import, and nothing heavy it does not need.

Each case runs, in a fresh interpreter of this venv, what one deployment runs (its entry point, every
route it serves), then maps every imported module to the distribution that installed it. Anything not
in that deployment's generated requirements file would be missing in the cloud (ImportError at a cold
start); this catches it here, in seconds, before a bundle is even built.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from core.analysis.registry import ANALYSES

ROOT = Path(__file__).resolve().parents[2]
OWN = {"core", "handlers", "main", "deploy", "__main__"}

PREDICT_PATHS = [
    "/health",
    "/predict_data?pregnant=1&glucose=3&pressure=1",
    "/models",
    "/models/boston/predict_data?crim=0.01&zn=18&indus=2.3&chas=0&nox=0.5&rm=6&age=65&dis=4&rad=1&tax=242",
    "/openapi.json",
    "/docs",
    "/nope",
]
TWEETS_PATHS = [
    f"/{view}{name}?users=realDonaldTrump&n=100" for view in ("", "html/", "api/") for name in ANALYSES.all()
]
LAMBDA = """
import json, sys
import handlers.aws_lambda as function
template = json.load(open("tests/handlers/events/http_api_v2.json"))
for url in json.loads(sys.argv[1]):
    path, _, query = url.partition("?")
    event = json.loads(json.dumps(template))
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["rawQueryString"] = query
    assert function.handler(event, None)["statusCode"] < 500, url
function.handler({"model": "diabetes-gbm", "data": "6,148,72,35,0,33.6,0.627,50"}, None)
print(json.dumps(sorted(sys.modules)))
"""
GOOGLE = """
import json, sys
import functions_framework, uvicorn, uvicorn.workers
from fastapi.testclient import TestClient
import handlers.cloud_run
client = functions_framework.create_app(target="app", source="main.py").test_client()
for url in json.loads(sys.argv[1]):
    assert client.get(url).status_code < 500, url
    assert TestClient(handlers.cloud_run.app).get(url).status_code < 500, url
print(json.dumps(sorted(sys.modules)))
"""
TEST_ONLY = {"httpx", "httpx2", "httpcore", "certifi", "h11", "sniffio", "werkzeug"}
"""Loaded by the test client that drives the Cloud Run app here, not by the service."""


def _bundle(path: str) -> set[str]:
    lines = (ROOT / path).read_text().splitlines()
    return {canonicalize_name(line.split("==")[0]) for line in lines if line and not line.startswith("#")}


def _distributions(modules: list[str]) -> set[str]:
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    baseline = set(
        json.loads(
            subprocess.check_output([sys.executable, "-c", "import sys, json; print(json.dumps(sorted(sys.modules)))"])
        )
    )
    found = set()
    for name in {m.split(".")[0] for m in modules if m not in baseline}:
        if name in sys.stdlib_module_names or name in OWN or name.startswith("_"):
            continue
        assert name in owners, f"module {name} comes from no installed distribution"
        found |= {canonicalize_name(d) for d in owners[name]}
    return found


def _imports(script: str, paths: list[str]) -> set[str]:
    env = {"ACCESS_LOG": "off", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script, json.dumps(paths)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return _distributions(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    ("bundle", "paths"),
    [
        ("requirements/lambda-predict.txt", PREDICT_PATHS),
        ("requirements/lambda-tweets.txt", PREDICT_PATHS + TWEETS_PATHS),
    ],
)
def test_a_lambda_function_imports_only_what_its_bundle_carries(bundle: str, paths: list[str]) -> None:
    missing = _imports(LAMBDA, paths) - _bundle(bundle)
    assert not missing, f"{bundle} lacks {sorted(missing)}: add them to deploy/bundles.py"


def test_the_prediction_function_carries_no_plotting_library() -> None:
    assert not _bundle("requirements/lambda-predict.txt") & {"matplotlib", "plotly", "pandas", "tweepy", "pillow"}


def test_google_cloud_serves_every_route_with_requirements_txt() -> None:
    missing = _imports(GOOGLE, PREDICT_PATHS + TWEETS_PATHS) - _bundle("requirements.txt") - TEST_ONLY
    assert not missing, f"requirements.txt lacks {sorted(missing)}: add them to deploy/bundles.py"

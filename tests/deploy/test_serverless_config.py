"""serverless.yml read as data: every app route reaches the right function, and the settings are deliberate."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.routing import BaseRoute

from handlers.http_app import create_app

ROOT = Path(__file__).resolve().parents[2]
CONFIG: dict[str, Any] = yaml.safe_load((ROOT / "serverless.yml").read_text())
FUNCTIONS: dict[str, dict[str, Any]] = CONFIG["functions"]
TWEETS_ROUTES_MODULES = ("handlers.routes.analyses", "handlers.routes.static")
"""Routes defined here need matplotlib and plotly, or serve plotly.js and Swagger UI's files: only the ``tweets``
function carries them."""


def _app_routes(routes: list[BaseRoute]) -> list[tuple[str, str, str]]:
    """(method, path, endpoint module) for every route, through FastAPI's included routers."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += _app_routes(inner.routes)
            continue
        module = getattr(getattr(route, "endpoint", None), "__module__", "")
        for method in sorted(getattr(route, "methods", None) or []):
            if method != "HEAD":
                found.append((method, getattr(route, "path", ""), module))
    return found


def _matches(template: str, path: str) -> bool:
    pattern = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.sub(r"\\\{[^}+]+\\\}", "[^/]+", re.escape(template)))
    return re.fullmatch(pattern, path) is not None


def _routes_to(kind: str, method: str, path: str) -> list[tuple[str, bool]]:
    """The functions whose ``kind`` events take the request, and whether by a catch-all."""
    found = []
    for name, function in FUNCTIONS.items():
        for event in function.get("events", []):
            spec = event.get(kind)
            if spec is None:
                continue
            if spec == "*":
                found.append((name, True))
                continue
            catch_all = spec["path"].endswith("+}") or spec["path"] == "*"
            methods = {spec["method"].upper()} - {"ANY", "*"}
            if (not methods or method in methods) and _matches(spec["path"], path):
                found.append((name, catch_all))
    return found


ROUTES = _app_routes(create_app().routes)


@pytest.mark.parametrize("kind", ["httpApi", "http"])
@pytest.mark.parametrize(("method", "path", "module"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_route_of_the_app_reaches_a_function_that_can_serve_it(
    kind: str, method: str, path: str, module: str
) -> None:
    targets = _routes_to(kind, method, path)
    explicit = [name for name, catch_all in targets if not catch_all]
    if module in TWEETS_ROUTES_MODULES:
        assert explicit == ["tweets"], (
            f"{method} {path} must be routed to the tweets function by name (a new analysis?): add to its events "
            f'- {kind}: {{ method: {method}, path: {path}, authorizer: "${{self:custom.authorizer.${{param:access}}.'
            f'{"httpApi" if kind == "httpApi" else "rest"}, null}}" }}'
        )
    else:
        assert targets and {name for name, _ in targets} <= {"predict"}, f"{method} {path}: {targets}"


def test_both_functions_run_the_one_handler_from_their_own_bundle() -> None:
    for name, function in FUNCTIONS.items():
        module_name, attribute = function["handler"].replace("/", ".").rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module_name), attribute))
        bundle = ROOT / function["module"]
        assert (bundle / "requirements.txt").resolve() == ROOT / "requirements" / f"lambda-{name}.txt"
        for code in ("core", "handlers", "models"):
            assert (bundle / code).resolve() == ROOT / code, f"{bundle / code} must link to the repository's {code}"
        assert function["package"]["patterns"][0] == f"{function['module']}/**"


def test_sizes_memory_timeouts_and_runtime_are_set_on_purpose() -> None:
    assert CONFIG["provider"]["runtime"] == "python3.12"
    assert CONFIG["package"]["individually"] is True and "serverless-python-requirements" in CONFIG["plugins"]
    for function in FUNCTIONS.values():
        assert 128 <= function["memorySize"] <= 10240
        http = any("http" in event or "httpApi" in event for event in function.get("events", []))
        limit = 29 if http else 900  # API Gateway stops waiting after 29 s (REST) or 30 s (HTTP API); Lambda at 900
        assert function["timeout"] <= limit
        assert float(function["environment"]["REQUEST_TIMEOUT_SECONDS"]) < function["timeout"]


def test_rest_apis_return_png_as_bytes() -> None:
    assert CONFIG["provider"]["apiGateway"]["binaryMediaTypes"] == ["*/*"]


def test_no_secret_is_written_in_the_config() -> None:
    """Not even as a deploy-time reference: a resolved value would show in the function's configuration
    (checkov CKV_AWS_173). The functions read their secret at run time; the environment names it only."""
    environment = dict(CONFIG["provider"]["environment"])
    for function in FUNCTIONS.values():
        environment |= function.get("environment", {})
    assert environment.pop("SECRETS_MANAGER_SECRET_ID") == "${param:secret}"
    for name, value in environment.items():
        assert not re.search(r"KEY|TOKEN|SECRET|PASSWORD", name), name
        assert "resolve:" not in str(value) and "${ssm:" not in str(value), name


def test_the_python_requirements_plugin_avoids_the_known_traps() -> None:
    options = CONFIG["custom"]["pythonRequirements"]
    assert options["strip"] is False and options["slimPatternsAppendDefaults"] is False
    for pattern in options["slimPatterns"]:
        # The traps: the compiled .pyc (without them every cold start compiles again, the code directory being
        # read-only) and a package's metadata (plotly reads its own at import). pip's RECORD and the SBOMs of a
        # dist-info are read by nothing at run time.
        assert "__pycache__" not in pattern and not pattern.endswith(".pyc"), pattern
        assert "dist-info" not in pattern or pattern.endswith(("/RECORD", "/sboms/**")), pattern
    assert "${env:SOURCE_DATE_EPOCH, 'unset'}" in options["cacheLocation"] and "3.12" in options["cacheLocation"]
    assert "--python-version 3.12" in options["pipCmdExtraArgs"]


def test_the_bundled_requirements_are_generated_from_the_lock() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "deploy/bundles.py", "--check"], cwd=ROOT, capture_output=True, text=True, env=os.environ
    )
    assert result.returncode == 0, result.stderr


def _header_command(label: str) -> str:
    """The command serverless.yml's header gives after ``# <label>:``."""
    header = (ROOT / "serverless.yml").read_text().split("\nservice:", 1)[0]
    found = re.search(rf"^# {label}: +(.+?)(?: {{2,}}|\(|$)", header, flags=re.MULTILINE)
    assert found, label
    return found.group(1).strip()


def test_the_deploy_command_the_header_gives_is_the_one_the_readme_gives_and_make_runs() -> None:
    command = _header_command("Deploy")
    assert command == "make deploy-aws STAGE=prod"
    assert f"`{command}`" in (ROOT / "README.md").read_text()
    target = re.search(r"^deploy-aws:.*\n\t(.+)$", (ROOT / "Makefile").read_text(), flags=re.MULTILINE)
    assert target and "deploy/lambda_package.py --deploy $(STAGE)" in target.group(1)
    assert _header_command("Package") == "make package"


def _osls(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """osls as a user would run it by hand: no AWS credentials, none of lambda_package.py's environment."""
    drop = {"SOURCE_DATE_EPOCH", "SERVERLESS_ML_PACKAGER", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"}
    environment = {k: v for k, v in os.environ.items() if k not in drop}
    environment.update(
        SLS_TELEMETRY_DISABLED="1",
        SLS_NOTIFICATIONS_MODE="off",
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_CONFIG_FILE=os.devnull,
        **env,
    )
    osls = ROOT / "node_modules" / ".bin" / "serverless"
    if not osls.exists():
        pytest.skip("run: make deploy-deps (npm ci)")
    return subprocess.run(
        [str(osls), *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("command", ["deploy", "package"])
def test_serverless_run_by_hand_names_the_command_that_works(command: str) -> None:
    """``npx serverless deploy`` stopped on an unresolved ${env:SOURCE_DATE_EPOCH}; now it says what to run,
    before building anything (the package directory stays empty)."""
    before = sorted((ROOT / ".serverless").glob("*")) if (ROOT / ".serverless").exists() else []
    result = _osls(command, "--stage", "prod")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "make deploy-aws STAGE=prod" in output and "SOURCE_DATE_EPOCH" in output, output[-2000:]
    assert "Cannot resolve" not in output
    after = sorted((ROOT / ".serverless").glob("*")) if (ROOT / ".serverless").exists() else []
    assert after == before  # refused before packaging wrote anything

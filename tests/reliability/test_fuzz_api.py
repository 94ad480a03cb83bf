"""schemathesis against the service's own ``/openapi.json``: no 5xx, and every answer as the schema says.

Valid and invalid requests (schemathesis 4's positive and negative modes) for every documented
operation, in-process through the ASGI app, bounded so CI stays fast:

* the open service (``make serve``), with schemathesis' coverage phase (boundaries, each parameter
  missing or malformed, unexpected methods) plus random examples;
* the chart pages (PNG, HTML) with a few random examples only: they parse and compute exactly as their
  ``/api/...`` twin, which gets the full run, and each one costs a drawing;
* the service with API keys, as in production: the contract still holds with the key, and each
  protected operation refuses a request without it (``ignored_auth``).
"""

from __future__ import annotations

import dataclasses
import re

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from core.analysis.registry import ANALYSES
from handlers.http_app import create_app
from handlers.middleware.auth import api_key_hashes
from handlers.settings import Settings
from tests.reliability.conftest import KEY

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CHARTS = rf"^/(html/)?({'|'.join(map(re.escape, ANALYSES.all()))})$"

RUN: dict[str, int] = {"open": 0, "charts": 0, "keyed": 0}
"""Examples sent per test, so the total can be reported (``pytest -s``)."""


def fuzz(examples: int, phases: tuple[Phase, ...] = tuple(Phase)) -> settings:
    return settings(max_examples=examples, phases=phases, deadline=None, suppress_health_check=list(HealthCheck))


open_schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings.from_env()))
keyed_app = create_app(dataclasses.replace(Settings.from_env(), api_key_hashes=api_key_hashes({"API_KEYS": KEY})))
keyed_schema = schemathesis.openapi.from_asgi("/openapi.json", keyed_app)


@open_schema.exclude(path_regex=CHARTS).parametrize()
@fuzz(15)
def test_open_service_conforms_to_its_schema(case: schemathesis.Case) -> None:
    RUN["open"] += 1
    case.call_and_validate(checks=CHECKS)


@open_schema.include(path_regex=CHARTS).parametrize()
@fuzz(5, phases=(Phase.generate,))
def test_chart_pages_conform_to_their_schema(case: schemathesis.Case) -> None:
    RUN["charts"] += 1
    case.call_and_validate(checks=CHECKS)


@keyed_schema.exclude(path_regex=CHARTS).parametrize()
@fuzz(5, phases=(Phase.generate,))
def test_keyed_service_conforms_to_its_schema(case: schemathesis.Case) -> None:
    RUN["keyed"] += 1
    case.call_and_validate(checks=[*CHECKS, ignored_auth], headers={"X-API-Key": KEY})


def test_examples_were_sent() -> None:
    """Runs after the tests above (pytest keeps file order)."""
    print(f"schemathesis examples: {RUN}, total {sum(RUN.values())}")
    assert RUN["open"] >= 100 and RUN["keyed"] >= 10

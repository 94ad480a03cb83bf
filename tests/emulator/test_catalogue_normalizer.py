"""The ``catalogue`` normalizer: a listed catalogue passes only when it is exactly what the registries yield.

The answers here are built from the registries themselves, then spoiled one way at a time (a model
left out, a wrong version, a name the registry does not know), so the tests hold whatever models
and analyses are bundled.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from core.analysis.registry import ANALYSES
from core.prediction.registry import model_spec, model_specs
from emulator.compare import expectation, mismatches
from emulator.messages import HttpResponse

SERVED = model_specs()
"""Every served model, declared or imported into ``models/``: what the routes list."""
VERSIONS = {name: spec.version for name, spec in SERVED.items()}
KNOWN_MODELS = f"unknown model 'x'; known models: {', '.join(SERVED)}"
KNOWN_ANALYSES = f"unknown analysis 'x'; known analyses: {', '.join(ANALYSES.all())}"


def _described(name: str) -> dict[str, Any]:
    spec = model_spec(name)
    return {"name": name, "version": spec.version, "features": [{"name": f} for f in spec.feature_names], "x": 1}


def _answer(body: Any) -> HttpResponse:
    return HttpResponse(200, (("content-type", "application/json"),), orjson.dumps(body))


def _expect(body: Any, normalize: list[str]) -> dict[str, Any]:
    return {"status": 200, "body": {"json": body}, "normalize": normalize}


HEALTH_EXPECTED = {"status": "ok", "models": "<models>"}
MODELS_EXPECTED = {"models": "<models>"}


def test_the_registered_catalogue_matches_its_placeholder() -> None:
    assert mismatches(_expect(HEALTH_EXPECTED, ["catalogue"]), _answer({"status": "ok", "models": VERSIONS})) == []
    listed = {"models": [_described(n) for n in SERVED]}
    assert mismatches(_expect(MODELS_EXPECTED, ["catalogue"]), _answer(listed)) == []
    error = {"error": {"message": KNOWN_MODELS}, "other": KNOWN_ANALYSES}
    wanted = {"error": {"message": "unknown model 'x'; known models: <models>"}}
    wanted["other"] = "unknown analysis 'x'; known analyses: <analyses>"
    assert mismatches(_expect(wanted, ["catalogue"]), _answer(error)) == []


@pytest.mark.parametrize(
    "spoiled",
    [
        {"status": "ok", "models": dict(list(VERSIONS.items())[1:])},  # one model left out
        {"status": "ok", "models": {**VERSIONS, "not-registered": "1.0.0"}},  # one too many
        {"status": "ok", "models": {**VERSIONS, next(iter(VERSIONS)): "9.9.9"}},  # a wrong version
        {"status": "ok", "models": dict(reversed(VERSIONS.items()))},  # not in registry order
        {"status": "degraded", "models": VERSIONS},  # the rest of the answer is still compared
    ],
)
def test_a_health_catalogue_that_differs_from_the_registry_fails(spoiled: dict[str, Any]) -> None:
    if list(spoiled["models"]) == list(VERSIONS)[::-1] and len(VERSIONS) < 2:
        pytest.skip("order cannot differ with one model")
    assert mismatches(_expect(HEALTH_EXPECTED, ["catalogue"]), _answer(spoiled))


def test_a_models_list_must_describe_each_registered_model() -> None:
    first = next(iter(SERVED))
    wrong_features = [{**_described(first), "features": []}, *(_described(n) for n in list(SERVED)[1:])]
    for listed in ([_described(n) for n in list(SERVED)[1:]], wrong_features):
        assert mismatches(_expect(MODELS_EXPECTED, ["catalogue"]), _answer({"models": listed}))


def test_a_known_names_message_must_list_every_registered_name() -> None:
    short = KNOWN_MODELS.rsplit(", ", 1)[0] if len(SERVED) > 1 else KNOWN_MODELS + ", extra"
    wanted = {"message": "unknown model 'x'; known models: <models>"}
    assert mismatches(_expect(wanted, ["catalogue"]), _answer({"message": short}))


def test_without_opting_in_the_catalogue_is_compared_as_written() -> None:
    assert mismatches(_expect(HEALTH_EXPECTED, []), _answer({"status": "ok", "models": VERSIONS}))
    assert (
        mismatches(_expect({"status": "ok", "models": VERSIONS}, []), _answer({"status": "ok", "models": VERSIONS}))
        == []
    )


def test_update_writes_the_placeholder_not_the_list() -> None:
    written = expectation(_answer({"status": "ok", "models": VERSIONS, "m": KNOWN_MODELS}), ["catalogue"])
    assert written["body"] == {"json": {**HEALTH_EXPECTED, "m": "unknown model 'x'; known models: <models>"}}
    assert written["normalize"] == ["catalogue"]
    assert ", ".join(SERVED) not in orjson.dumps(written).decode()


def test_a_new_expectation_opts_in_by_itself_when_the_answer_lists_the_catalogue() -> None:
    assert expectation(_answer({"status": "ok", "models": VERSIONS}))["normalize"] == ["catalogue"]
    assert "normalize" not in expectation(_answer({"status": "ok", "models": {}}))

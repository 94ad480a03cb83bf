"""A model whose artifacts are missing (a new module before ``make models``) leaves the rest of the catalogue up.

``/models`` lists the servable models and names the missing one with the command that builds it;
``/health`` stays 200 and says the same; every other model's routes answer exactly as before.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.paths import MODELS_DIR
from core.prediction.artifacts import artifact_path, metadata_path
from core.prediction.registry import MODELS, model_specs
from handlers.http_app import create_app
from handlers.settings import Settings

MISSING = next(iter(MODELS.all()))
"""The model whose files the test removes: any registered one will do (the first, whatever it is)."""
OTHERS = [name for name in model_specs() if name != MISSING]
"""Every other served model, declared or imported into ``models/``."""


def _client(models_dir: Path) -> TestClient:
    settings = dataclasses.replace(Settings.from_env(), models_dir=models_dir)
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def intact() -> TestClient:
    return _client(MODELS_DIR)


@pytest.fixture(scope="module", params=["both files", "artifact only"])
def broken(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """A copy of ``models/`` without the model's artifact, and (first) without its metadata too."""
    models = tmp_path_factory.mktemp("models") / "models"
    shutil.copytree(MODELS_DIR, models)
    artifact_path(models, MISSING).unlink()
    if request.param == "both files":
        metadata_path(models, MISSING).unlink()
    return _client(models)


def _named_the_missing_one(unavailable: list[dict[str, str]]) -> None:
    assert [entry["name"] for entry in unavailable] == [MISSING]
    (entry,) = unavailable
    assert entry["command"] == "make models" and "`make models`" in entry["reason"]
    assert repr(MISSING) in entry["reason"]


def test_models_lists_the_others_and_names_the_missing_one(intact: TestClient, broken: TestClient) -> None:
    response = broken.get("/models")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [m["name"] for m in body["models"]] == OTHERS
    assert body["models"] == [m for m in intact.get("/models").json()["models"] if m["name"] != MISSING]
    _named_the_missing_one(body["unavailable"])


def test_an_intact_catalogue_has_no_unavailable_key(intact: TestClient) -> None:
    assert "unavailable" not in intact.get("/models").json()
    assert "unavailable" not in intact.get("/health").json()


def test_health_stays_ok_and_names_the_missing_one(intact: TestClient, broken: TestClient) -> None:
    response = broken.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["models"] == {**intact.get("/health").json()["models"], MISSING: "unavailable"}
    _named_the_missing_one(body["unavailable"])


def test_the_missing_model_answers_503_naming_it(broken: TestClient) -> None:
    response = broken.post(f"/models/{MISSING}/predict", json={"rows": [{}]})
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["type"] == "ModelUnavailableError" and repr(MISSING) in error["message"]


@pytest.mark.parametrize("name", OTHERS)
def test_every_other_model_answers_as_before(intact: TestClient, broken: TestClient, name: str) -> None:
    described = intact.get(f"/models/{name}")
    assert broken.get(f"/models/{name}").content == described.content
    query = described.json()["example_row"]
    before, after = (
        intact.get(f"/models/{name}/predict_data", params=query),
        broken.get(f"/models/{name}/predict_data", params=query),
    )
    assert (after.status_code, after.content) == (before.status_code, before.content) and before.status_code == 200

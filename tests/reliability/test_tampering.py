"""An artifact whose bytes do not match its recorded sha256 is refused; the service stays up for the rest."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from core.paths import MODELS_DIR
from handlers.http_app import create_app
from handlers.settings import Settings
from tests.reliability.platforms import PLATFORMS

DIABETES = "/models/diabetes/predict_data?pregnant=1&glucose=3&pressure=1"
BOSTON = "/models/boston/predict_data?crim=0.01&zn=18&indus=2.3&chas=0&nox=0.5&rm=6&age=65&dis=4&rad=1&tax=242"
GBM_CSV = b"pregnant,glucose,pressure,triceps,insulin,mass,pedigree,age\n6,148,72,35,0,33.6,0.627,50\n"


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "models"
    shutil.copytree(MODELS_DIR, copy)
    return copy


def tamper(models_dir: Path) -> None:
    """Change one coefficient of the diabetes model: still valid JSON, still loadable, but not what was trained."""
    artifact = models_dir / "diabetes.model.json"
    form = json.loads(artifact.read_bytes())
    form["coef"][1] *= 10
    artifact.write_text(json.dumps(form, separators=(",", ":")) + "\n")


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_a_tampered_model_is_refused_with_503_naming_it_and_the_rest_still_answer(
    make_settings: Callable[..., Settings], models_dir: Path, platform: str
) -> None:
    tamper(models_dir)
    app, call = create_app(make_settings(models_dir=models_dir)), PLATFORMS[platform]
    for url in (DIABETES, "/predict_data?pregnant=1&glucose=3&pressure=1"):
        answer = call(app, "GET", url)
        assert answer.status == 503
        error = answer.json()["error"]
        assert error["type"] == "ModelUnavailableError" and error["field"] == "model"
        assert "'diabetes'" in error["message"] and "sha256" in error["message"]
    assert call(app, "GET", "/health").status == 200
    assert call(app, "GET", BOSTON).status == 200
    gbm = call(app, "POST", "/models/diabetes-gbm/predict", headers={"Content-Type": "text/csv"}, body=GBM_CSV)
    assert gbm.status == 200 and gbm.json()["predictions"] == ["yes"]


def test_a_missing_artifact_is_refused_the_same_way(make_settings: Callable[..., Settings], models_dir: Path) -> None:
    (models_dir / "diabetes.model.json").unlink()
    answer = PLATFORMS["cloud_run"](create_app(make_settings(models_dir=models_dir)), "GET", DIABETES)
    assert answer.status == 503 and "'diabetes'" in answer.json()["error"]["message"]


def test_a_refusal_is_not_cached_so_a_restored_artifact_serves_again(
    make_settings: Callable[..., Settings], models_dir: Path
) -> None:
    original = (models_dir / "diabetes.model.json").read_bytes()
    tamper(models_dir)
    app = create_app(make_settings(models_dir=models_dir))
    assert PLATFORMS["cloud_run"](app, "GET", DIABETES).status == 503
    (models_dir / "diabetes.model.json").write_bytes(original)
    assert PLATFORMS["cloud_run"](app, "GET", DIABETES).status == 200

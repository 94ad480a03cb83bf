"""Loading refuses an artifact that does not match its recorded sha256, or that is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import ModelUnavailableError
from core.paths import MODELS_DIR
from core.prediction.artifacts import artifact_path, load_model
from core.prediction.registry import model_spec


@pytest.fixture
def models_copy(tmp_path: Path) -> Path:
    shutil.copytree(MODELS_DIR, tmp_path / "models")
    return tmp_path / "models"


def test_altered_artifact_is_refused_with_a_clear_error(models_copy: Path) -> None:
    path = artifact_path(models_copy, "diabetes")
    path.write_text(path.read_text().replace("-5.52", "-4.52"))
    with pytest.raises(ModelUnavailableError, match="'diabetes'.*sha256") as info:
        load_model(model_spec("diabetes"), models_copy)
    assert info.value.field == "model"


def test_missing_artifact_is_refused(models_copy: Path) -> None:
    artifact_path(models_copy, "boston").unlink()
    with pytest.raises(ModelUnavailableError, match="'boston'"):
        load_model(model_spec("boston"), models_copy)


def test_intact_copy_loads(models_copy: Path) -> None:
    assert load_model(model_spec("diabetes-gbm"), models_copy).version == "1.0.0"

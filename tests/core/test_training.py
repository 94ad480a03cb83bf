"""Training writes plain-data artifacts that reproduce scikit-learn exactly, and the committed ones are current."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from core.paths import DATA_DIR, MODELS_DIR
from core.prediction.artifacts import artifact_path, metadata_path
from core.prediction.datasets import load_training_data
from core.prediction.forms import form_from_json
from core.prediction.registry import declared_specs
from core.prediction.training import main as train_main

SPECS = list(declared_specs().values())
"""The declared models, which `make models` trains (an imported model is fitted by its user: its recipe is its own)."""


@pytest.fixture(scope="module")
def retrained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models")
    assert train_main(["--models-dir", str(out)]) == 0
    return out


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_served_form_agrees_with_estimator_on_every_training_row(spec) -> None:  # type: ignore[no-untyped-def]
    data = load_training_data(spec, DATA_DIR)
    fitted = spec.train(data.x, data.y)
    served = form_from_json(json.loads(json.dumps(fitted.form.to_json())))
    gap = np.abs(served.evaluate(data.x) - fitted.reference(data.x))
    assert gap.max() <= 1e-9


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_committed_artifacts_are_what_training_produces(spec, retrained: Path) -> None:  # type: ignore[no-untyped-def]
    assert artifact_path(retrained, spec.name).read_bytes() == artifact_path(MODELS_DIR, spec.name).read_bytes()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_metadata_records_provenance_schema_and_metrics(spec, retrained: Path) -> None:  # type: ignore[no-untyped-def]
    meta = json.loads(metadata_path(retrained, spec.name).read_text())
    artifact = artifact_path(retrained, spec.name).read_bytes()
    assert meta["name"] == spec.name and meta["version"] == spec.version
    assert meta["artifact"]["sha256"] == hashlib.sha256(artifact).hexdigest()
    data_file = DATA_DIR / spec.dataset.file
    assert meta["training_data"]["sha256"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert {"python", "numpy", "scikit-learn"} <= set(meta["library_versions"])
    assert [f["name"] for f in meta["features"]] == list(spec.feature_names)
    assert all(f["min"] <= f["max"] for f in meta["features"])
    assert set(meta["example_row"]) == set(spec.feature_names)
    assert meta["metrics"] and meta["created_at"].endswith("Z")


def test_gbm_metadata_has_held_out_accuracy_and_auc(retrained: Path) -> None:
    metrics = json.loads(metadata_path(retrained, "diabetes-gbm").read_text())["metrics"]
    assert 0.7 < metrics["test_accuracy"] <= 1.0
    assert 0.75 < metrics["test_roc_auc"] <= 1.0
    assert metrics["test_rows"] == 231  # 30 % of 768


def test_artifacts_hold_no_pickle() -> None:
    for spec in SPECS:
        json.loads(artifact_path(MODELS_DIR, spec.name).read_text())  # plain JSON, or this raises

"""Big arrays beside the JSON (the ``.npz`` contract the tree forms use), and the agreement check's refusal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from core.errors import ModelUnavailableError
from core.prediction import forms
from core.prediction.artifacts import arrays_path, load_model, metadata_path, write_artifact
from core.prediction.forms import LinearForm
from core.prediction.imported import spec_from_metadata
from core.prediction.importing import importer, linear
from core.prediction.pipeline import PipelineForm, Standardize
from tests.importing.conftest import ROWS, TARGETS, TRAIN, import_model


@dataclass(frozen=True)
class ArrayForm:
    """A form whose weights live only in its arrays."""

    weights: np.ndarray  # type: ignore[type-arg]

    @property
    def kind(self) -> str:
        return "test_arrays"

    def evaluate(self, x: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
        return np.asarray(x @ self.weights, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def to_arrays(self) -> dict[str, np.ndarray]:  # type: ignore[type-arg]
        return {"weights": self.weights}

    @classmethod
    def from_json(cls, data: dict[str, Any], arrays: forms.Arrays) -> ArrayForm:
        return cls(np.asarray(arrays["weights"], dtype=np.float64))


def _meta(entry: dict[str, Any]) -> dict[str, Any]:
    feature = {"name": "a", "type": "number"}
    return {"name": "m", "version": "1", "task": "regression", "features": [feature, {**feature, "name": "b"}],
            "imported": {}, "artifact": entry}  # fmt: skip


def test_a_forms_arrays_go_to_an_npz_read_back_without_pickle_and_checked_by_sha256(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(forms._READERS, "test_arrays", ArrayForm.from_json)
    form = PipelineForm((Standardize(np.array([1.0, 2.0]), np.array([2.0, 4.0])),), ArrayForm(np.array([3.0, -1.0])))
    entry = write_artifact(form, "m", tmp_path)
    assert entry["arrays"]["file"] == "m.model.npz" and arrays_path(tmp_path, "m").is_file()
    metadata_path(tmp_path, "m").write_text(json.dumps(_meta(entry)))
    spec = spec_from_metadata(_meta(entry))
    x = np.array([[5.0, 6.0], [1.0, 2.0]])
    assert np.array_equal(load_model(spec, tmp_path).form.evaluate(x), form.evaluate(x))
    load_model.cache_clear()
    content = bytearray(arrays_path(tmp_path, "m").read_bytes())
    content[-30] ^= 1
    arrays_path(tmp_path, "m").write_bytes(bytes(content))
    with pytest.raises(ModelUnavailableError, match="sha256"):
        load_model(spec, tmp_path)
    load_model.cache_clear()


def test_a_served_form_that_differs_from_the_library_is_refused_naming_the_row_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["pregnant", "pressure", "mass"]
    x = np.array([[r[n] for n in names] for r in ROWS[TRAIN]], dtype=np.float64)
    estimator = LogisticRegression().fit(x, TARGETS["binary"][TRAIN])

    def off_by_a_little(fitted: Any) -> LinearForm:
        form = linear.logistic(fitted)
        assert isinstance(form, LinearForm)
        return LinearForm(form.intercept + 1e-6, form.coef, form.link)

    monkeypatch.setitem(importer.CONVERTERS, "sklearn.linear_model.LogisticRegression", off_by_a_little)
    assert import_model(estimator, tmp_path, names) != 0
    message = capsys.readouterr().err
    assert "differs from the library by" in message and "sample row" in message and "1e-09" in message
    assert not (tmp_path / "models" / "brought.meta.json").exists()

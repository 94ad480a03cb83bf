"""Shared checks of the tree converters: held-out rows, the library's own answers, a round trip."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

from core.prediction.forms import form_from_json
from core.prediction.node_trees import NodeTreesForm


def make_data(kind: str, rows: int = 1500, features: int = 6, missing: float = 0.0, seed: int = 0) -> tuple[Any, Any]:
    """Features with a signal in several columns; ``kind`` is "binary", "multiclass" or "regression"."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features))
    score = x[:, 0] + x[:, 1] ** 2 - 0.5 * x[:, 2] + 0.3 * rng.normal(size=rows)
    if missing:
        x[rng.random(x.shape) < missing] = np.nan
    if kind == "regression":
        return x, score
    edges = [0.5] if kind == "binary" else [0.0, 0.8, 1.8]
    return x, np.digitize(score, edges)


def round_trips(form: Any) -> list[Any]:
    """The form read back from its JSON header plus an ``.npz`` of its arrays, and from inline JSON."""
    assert isinstance(form, NodeTreesForm)
    buffer = io.BytesIO()
    np.savez(buffer, **form.to_arrays())
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    return [NodeTreesForm.from_json(form.to_json(), arrays), form_from_json(form.to_inline_json())]


def assert_matches_classifier(estimator: Any, form: Any, x: Any, tolerance: float, relative: bool = False) -> None:
    """Probabilities within ``tolerance`` of ``predict_proba``, and the same labels, for the form and its copies."""
    expected = estimator.predict_proba(x)
    labels = estimator.predict(x)
    for served in [form, *round_trips(form)]:
        got = served.evaluate(x)
        want = expected[:, 1] if got.ndim == 1 else expected
        _close(got, want, tolerance, relative)
        proba = np.column_stack([1 - got, got]) if got.ndim == 1 else got
        np.testing.assert_array_equal(np.asarray(estimator.classes_)[proba.argmax(axis=1)], labels)


def assert_matches_regressor(estimator: Any, form: Any, x: Any, tolerance: float, relative: bool = False) -> None:
    expected = estimator.predict(x)
    for served in [form, *round_trips(form)]:
        _close(served.evaluate(x), expected, tolerance, relative)


def _close(got: Any, want: Any, tolerance: float, relative: bool) -> None:
    assert got.shape == want.shape
    if relative:
        np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)
    else:
        assert np.max(np.abs(got - want)) <= tolerance, np.max(np.abs(got - want))


@pytest.fixture(params=["binary", "multiclass"])
def classification(request: pytest.FixtureRequest) -> str:
    return str(request.param)

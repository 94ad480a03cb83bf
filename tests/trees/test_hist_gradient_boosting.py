"""``HistGradientBoosting*`` served as node arrays: binary, multiclass, regression, missing values, categories."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from core.prediction.importing.trees import TREE_CONVERTERS
from tests.trees.conftest import assert_matches_classifier, assert_matches_regressor, make_data

CLASSIFIER = TREE_CONVERTERS["sklearn.ensemble.HistGradientBoostingClassifier"]
REGRESSOR = TREE_CONVERTERS["sklearn.ensemble.HistGradientBoostingRegressor"]


def _with_category(x: Any, seed: int = 1) -> Any:
    """Column 0 replaced by a code 0..7 that carries the signal, some of it missing."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 8, size=x.shape[0]).astype(np.float64)
    x = x.copy()
    x[:, 0] = codes
    x[rng.random(x.shape[0]) < 0.05, 0] = np.nan
    return x, codes


@pytest.mark.parametrize("missing", [0.0, 0.1], ids=["complete", "with-missing"])
def test_classifier_matches_predict_proba(classification: str, missing: float) -> None:
    x, y = make_data(classification, missing=missing)
    fitted = HistGradientBoostingClassifier(max_iter=40, random_state=0).fit(x[:1000], y[:1000])
    assert_matches_classifier(fitted, CLASSIFIER(fitted), x[1000:], 1e-9)


@pytest.mark.parametrize("missing", [0.0, 0.1], ids=["complete", "with-missing"])
def test_regressor_matches_predict(missing: float) -> None:
    x, y = make_data("regression", missing=missing)
    fitted = HistGradientBoostingRegressor(max_iter=40, random_state=0).fit(x[:1000], y[:1000])
    assert_matches_regressor(fitted, REGRESSOR(fitted), x[1000:], 1e-9)


def test_categorical_splits_with_unknown_and_missing_codes(classification: str) -> None:
    x, y = make_data(classification, missing=0.05)
    x, codes = _with_category(x)
    y = np.where(np.isin(codes, [1, 4, 6]), y, (y + 1) % (y.max() + 1))
    train = codes[:1000] < 7  # code 7 is never seen in training: unknown when predicting
    fitted = HistGradientBoostingClassifier(max_iter=40, categorical_features=[0], random_state=0).fit(
        x[:1000][train], y[:1000][train]
    )
    form = CLASSIFIER(fitted)
    assert form.cat_node is not None  # the model did split on the category
    held_out = x[1000:].copy()
    held_out[:5, 0] = [7.0, -1.0, 300.0, np.nan, 3.0]  # unknown, negative, past the bitset, missing, known
    assert_matches_classifier(fitted, form, held_out, 1e-9)


def test_categorical_regression() -> None:
    x, y = make_data("regression")
    x, codes = _with_category(x)
    y = y + 3 * np.isin(codes, [2, 5])
    fitted = HistGradientBoostingRegressor(max_iter=30, categorical_features=[0], random_state=0).fit(
        x[:1000], y[:1000]
    )
    assert_matches_regressor(fitted, REGRESSOR(fitted), x[1000:], 1e-9)


def test_a_loss_with_another_link_is_refused() -> None:
    x, y = make_data("regression")
    fitted = HistGradientBoostingRegressor(loss="poisson", max_iter=5).fit(x, np.abs(y))
    with pytest.raises(ValueError, match="poisson"):
        REGRESSOR(fitted)

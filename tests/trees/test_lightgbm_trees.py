"""LightGBM served as node arrays: classifier (binary, multiclass), regressor, Booster, missing values, categories."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest

from core.prediction.importing.trees import TREE_CONVERTERS
from tests.trees.conftest import assert_matches_classifier, assert_matches_regressor, make_data

PARAMS = {"n_estimators": 30, "random_state": 0, "n_jobs": 1, "verbose": -1, "min_child_samples": 5}


def test_classifier_matches_predict_proba(classification: str) -> None:
    x, y = make_data(classification, missing=0.1)
    fitted = lgb.LGBMClassifier(**PARAMS).fit(x[:1000], y[:1000])
    form = TREE_CONVERTERS["lightgbm.LGBMClassifier"](fitted)
    assert_matches_classifier(fitted, form, x[1000:], 1e-6, relative=True)


def test_regressor_matches_predict() -> None:
    x, y = make_data("regression", missing=0.1)
    fitted = lgb.LGBMRegressor(**PARAMS).fit(x[:1000], y[:1000])
    assert_matches_regressor(fitted, TREE_CONVERTERS["lightgbm.LGBMRegressor"](fitted), x[1000:], 1e-6, relative=True)


def test_categorical_codes_with_unknown_and_missing() -> None:
    x, y = make_data("regression")
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 10, size=x.shape[0]).astype(np.float64)
    x[:, 0] = codes
    y = y + 3 * np.isin(codes, [2, 5, 7])
    fitted = lgb.LGBMRegressor(**PARAMS).fit(x[:1000], y[:1000], categorical_feature=[0])
    form = TREE_CONVERTERS["lightgbm.LGBMRegressor"](fitted)
    assert form.cat_node is not None
    held_out = x[1000:].copy()
    held_out[:4, 0] = [np.nan, -1.0, 40.0, 5.0]
    assert_matches_regressor(fitted, form, held_out, 1e-6, relative=True)


def test_booster_matches_its_predict() -> None:
    x, y = make_data("binary", missing=0.1)
    booster = lgb.train({"objective": "binary", "verbose": -1, "num_threads": 1}, lgb.Dataset(x[:1000], y[:1000]), 20)
    form = TREE_CONVERTERS["lightgbm.Booster"](booster)
    np.testing.assert_allclose(form.evaluate(x[1000:]), booster.predict(x[1000:]), rtol=1e-6, atol=1e-7)


def test_zero_as_missing_reads_zero_and_nan_alike() -> None:
    x, y = make_data("regression", missing=0.1)
    rng = np.random.default_rng(3)
    x[rng.random(x.shape) < 0.2] = 0.0
    y = y + 2 * (np.nan_to_num(x[:, 0]) == 0)
    fitted = lgb.LGBMRegressor(**PARAMS, zero_as_missing=True).fit(x[:1000], y[:1000])
    form = TREE_CONVERTERS["lightgbm.LGBMRegressor"](fitted)
    assert form.zero_as_missing
    held_out = x[1000:].copy()
    held_out[:6, 0] = [0.0, -0.0, np.nan, 1e-36, -1e-36, 1e-30]
    assert_matches_regressor(fitted, form, held_out, 1e-6, relative=True)


def test_zero_as_missing_with_categorical_splits_is_refused_naming_the_setting() -> None:
    x, y = make_data("regression")
    x[:, 0] = np.random.default_rng(2).integers(0, 10, size=x.shape[0])
    x[np.random.default_rng(4).random(x.shape) < 0.2] = 0.0
    y = y + 3 * np.isin(x[:, 0], [2, 5, 7])
    fitted = lgb.LGBMRegressor(**PARAMS, zero_as_missing=True).fit(x, y, categorical_feature=[0])
    with pytest.raises(ValueError, match="zero_as_missing=False"):
        TREE_CONVERTERS["lightgbm.LGBMRegressor"](fitted)

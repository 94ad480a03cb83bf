"""XGBoost served as node arrays: classifier (binary, multiclass), regressor and raw Booster, with missing values."""

from __future__ import annotations

import numpy as np
import pytest
import xgboost as xgb

from core.prediction.importing.trees import TREE_CONVERTERS
from tests.trees.conftest import assert_matches_classifier, assert_matches_regressor, make_data

PARAMS = {"n_estimators": 30, "max_depth": 4, "random_state": 0, "n_jobs": 1}


def test_classifier_matches_predict_proba(classification: str) -> None:
    x, y = make_data(classification, missing=0.1)
    fitted = xgb.XGBClassifier(**PARAMS).fit(x[:1000], y[:1000])
    form = TREE_CONVERTERS["xgboost.XGBClassifier"](fitted)
    assert_matches_classifier(fitted, form, x[1000:], 1e-6, relative=True)


def test_regressor_matches_predict() -> None:
    x, y = make_data("regression", missing=0.1)
    fitted = xgb.XGBRegressor(**PARAMS).fit(x[:1000], y[:1000])
    form = TREE_CONVERTERS["xgboost.XGBRegressor"](fitted)
    assert_matches_regressor(fitted, form, x[1000:], 1e-6, relative=True)


def test_booster_matches_its_predict() -> None:
    x, y = make_data("binary", missing=0.1)
    booster = xgb.train(
        {"objective": "binary:logistic", "max_depth": 5, "nthread": 1}, xgb.DMatrix(x[:1000], y[:1000]), 25
    )
    form = TREE_CONVERTERS["xgboost.Booster"](booster)
    np.testing.assert_allclose(form.evaluate(x[1000:]), booster.predict(xgb.DMatrix(x[1000:])), rtol=1e-6, atol=1e-7)


def test_an_unsupported_objective_is_refused() -> None:
    x, y = make_data("regression")
    fitted = xgb.XGBRegressor(objective="count:poisson", n_estimators=3).fit(x, np.abs(y))
    with pytest.raises(ValueError, match="count:poisson"):
        TREE_CONVERTERS["xgboost.XGBRegressor"](fitted)


def test_categorical_splits_are_refused_naming_the_setting() -> None:
    x, y = make_data("regression")
    x[:, 0] = np.random.default_rng(0).integers(0, 6, x.shape[0])
    fitted = xgb.XGBRegressor(
        n_estimators=3, enable_categorical=True, feature_types=["c"] + ["q"] * 5, max_cat_to_onehot=1
    ).fit(x, y + 2 * (x[:, 0] == 3))
    with pytest.raises(ValueError, match="enable_categorical=False"):
        TREE_CONVERTERS["xgboost.XGBRegressor"](fitted)


def test_bucketed_search_finds_the_walks_leaves_on_edge_values() -> None:
    """XGBoost's float32 thresholds take the bucket route to their rank; it agrees with the walk bit for bit."""
    from core.prediction.node_trees import NodeTreesForm

    x, y = make_data("regression", rows=2000, missing=0.15)
    fitted = xgb.XGBRegressor(**PARAMS).fit(x, y)
    form = TREE_CONVERTERS["xgboost.XGBRegressor"](fitted)
    assert form._bitvector is not None and form._bitvector.buckets is not None
    walked = NodeTreesForm.from_json(form.to_json(), form.to_arrays())
    walked.__dict__["_bitvector"] = None  # the cached route, forced to the walk
    rows, _ = make_data("regression", rows=600, missing=0.2, seed=1)
    rows[:50], rows[50:100], rows[100:150] = np.inf, -np.inf, -0.0
    rows[150:200] = 1e-40  # subnormal in float32
    splits = form.threshold[np.isfinite(form.threshold)].astype(np.float64)
    rows[200 : 200 + min(400, splits.shape[0]), 0] = splits[:400]  # exactly on a threshold
    np.testing.assert_array_equal(form.evaluate(rows), walked.evaluate(rows))
    np.testing.assert_allclose(form.evaluate(rows), fitted.predict(rows), rtol=1e-6, atol=1e-6)

"""scikit-learn's trees and forests served as node arrays answer as ``predict_proba``/``predict`` do (1e-9)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from core.prediction.importing.trees import TREE_CONVERTERS
from tests.trees.conftest import assert_matches_classifier, assert_matches_regressor, make_data

CLASSIFIERS = [
    DecisionTreeClassifier(random_state=0),
    RandomForestClassifier(n_estimators=15, random_state=0),
    ExtraTreesClassifier(n_estimators=15, random_state=0),
]
REGRESSORS = [
    DecisionTreeRegressor(random_state=0),
    RandomForestRegressor(n_estimators=15, random_state=0),
    ExtraTreesRegressor(n_estimators=15, random_state=0),
]


def _convert(estimator: object) -> object:
    cls = type(estimator)
    public = cls.__module__.split("._")[0]
    return TREE_CONVERTERS[f"{public}.{cls.__name__}"](estimator)


@pytest.mark.parametrize("missing", [0.0, 0.1], ids=["complete", "with-missing"])
@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=lambda e: type(e).__name__)
def test_classifier_matches_predict_proba_on_held_out_rows(
    estimator: object, classification: str, missing: float
) -> None:
    x, y = make_data(classification, missing=missing)
    fitted = estimator.fit(x[:1000], y[:1000])  # type: ignore[attr-defined]
    assert_matches_classifier(fitted, _convert(fitted), x[1000:], 1e-9)


@pytest.mark.parametrize("missing", [0.0, 0.1], ids=["complete", "with-missing"])
@pytest.mark.parametrize("estimator", REGRESSORS, ids=lambda e: type(e).__name__)
def test_regressor_matches_predict_on_held_out_rows(estimator: object, missing: float) -> None:
    x, y = make_data("regression", missing=missing)
    fitted = estimator.fit(x[:1000], y[:1000])  # type: ignore[attr-defined]
    assert_matches_regressor(fitted, _convert(fitted), x[1000:], 1e-9)


def test_thresholds_compare_in_float32_as_scikit_learn_does() -> None:
    """A value between a float64 threshold and the float32 below it goes where scikit-learn sends it."""
    x = np.array([[0.0], [1.0], [0.1], [0.2]])
    fitted = DecisionTreeRegressor().fit(x, [0.0, 1.0, 2.0, 3.0])
    threshold = fitted.tree_.threshold[0]
    near = np.array(
        [[np.nextafter(threshold, -1)], [threshold], [np.nextafter(threshold, 2)], [float(np.float32(threshold))]]
    )
    np.testing.assert_array_equal(_convert(fitted).evaluate(near), fitted.predict(near))  # type: ignore[attr-defined]


def test_multi_output_is_refused_with_a_reason() -> None:
    x, y = make_data("regression")
    fitted = DecisionTreeRegressor(max_depth=3).fit(x, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="several outputs"):
        _convert(fitted)


@pytest.mark.parametrize("init", [None, "zero"], ids=["prior", "zero"])
def test_gradient_boosting_classifier_adds_init_and_learning_rate(classification: str, init: object) -> None:
    x, y = make_data(classification)
    fitted = GradientBoostingClassifier(n_estimators=25, learning_rate=0.3, init=init, random_state=0)
    fitted.fit(x[:1000], y[:1000])
    assert_matches_classifier(fitted, _convert(fitted), x[1000:], 1e-9)


@pytest.mark.parametrize("loss", ["squared_error", "huber", "quantile"])
def test_gradient_boosting_regressor(loss: str) -> None:
    x, y = make_data("regression")
    fitted = GradientBoostingRegressor(n_estimators=25, loss=loss, max_depth=5, random_state=0).fit(x[:1000], y[:1000])
    assert_matches_regressor(fitted, _convert(fitted), x[1000:], 1e-9)


def test_gradient_boosting_with_an_init_estimator_is_refused() -> None:
    x, y = make_data("regression")
    fitted = GradientBoostingRegressor(n_estimators=3, init=DecisionTreeRegressor(max_depth=2)).fit(x, y)
    with pytest.raises(ValueError, match="init=DecisionTreeRegressor"):
        _convert(fitted)

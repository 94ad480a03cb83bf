"""Every supported tree family, fitted, imported with the command, served over HTTP and through a Lambda direct
invocation, and compared with the library on rows the import never saw (missing values, unknown categories)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lightgbm as lgb
import numpy as np
import pytest
import xgboost as xgb
from sklearn.ensemble import (
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
)
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier

from tests.importing.conftest import HELD_OUT, NAMES, NUMERIC, ROWS, TARGETS, TRAIN, Served, library_matrix
from tests.importing.test_linear_pipelines import prep

SMALL = {"n_estimators": 20, "random_state": 0}
BOOSTED = {**SMALL, "n_jobs": 1}

CASES: dict[str, tuple[Callable[[], Any], str, list[str]]] = {
    "random-forest/one-hot": (lambda: make_pipeline(prep(), RandomForestClassifier(**SMALL)), "binary", NAMES),
    "extra-trees-regressor/one-hot": (lambda: make_pipeline(prep(), ExtraTreesRegressor(**SMALL)), "regression", NAMES),
    "decision-tree/multiclass": (
        lambda: make_pipeline(prep(), DecisionTreeClassifier(random_state=0)),
        "multiclass",
        NAMES,
    ),
    "gradient-boosting/one-hot": (lambda: make_pipeline(prep(), GradientBoostingClassifier(**SMALL)), "binary", NAMES),
    "hist-gradient-boosting/native-missing": (
        lambda: HistGradientBoostingClassifier(max_iter=20, random_state=0),
        "multiclass",
        NUMERIC,
    ),
    "hist-gradient-boosting-regressor/native-missing": (
        lambda: HistGradientBoostingRegressor(max_iter=20, random_state=0),
        "regression",
        NUMERIC,
    ),
    "xgboost/native-missing": (lambda: xgb.XGBClassifier(**BOOSTED, max_depth=4), "multiclass", NUMERIC),
    "lightgbm/native-missing": (lambda: lgb.LGBMClassifier(**BOOSTED, verbose=-1), "multiclass", NUMERIC),
}
"""name -> (an unfitted estimator, its target, the columns it reads)."""


def _close(ours: Any, theirs: Any, relative: bool) -> bool:
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    bound = 1e-6 * np.abs(b) + 1e-7 if relative else 1e-9
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= bound))


@pytest.mark.parametrize("case", list(CASES))
def test_an_imported_tree_model_answers_as_the_library_on_rows_it_never_saw(
    case: str, serve: Callable[..., Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    build, target, names = CASES[case]
    estimator = build().fit(library_matrix(ROWS[TRAIN], names), TARGETS[target][TRAIN])
    served = serve(estimator, names)
    rows = [{n: r[n] for n in names} for r in ROWS[HELD_OUT]]
    if "region" in names:
        rows += [{**r, "region": "atlantis"} for r in rows[:5]]
    assert any(r["glucose"] is None for r in rows)
    x = library_matrix(rows, names)
    relative = case.startswith(("xgboost", "lightgbm"))  # they add leaves in float32
    for answer in (served.http(rows), served.lambda_direct(rows, monkeypatch)):
        assert answer["predictions"] == estimator.predict(x).tolist() or (
            "classes" not in answer and _close(answer["predictions"], estimator.predict(x), relative)
        )
        if hasattr(estimator, "predict_proba"):
            assert answer["classes"] == estimator.classes_.tolist()
            proba = estimator.predict_proba(x)
            assert _close(answer["probabilities"], proba[:, 1] if proba.shape[1] == 2 else proba, relative)

"""Estimators fitted on a pandas DataFrame: columns chosen by name, a string column, missing values.

Most users fit on a DataFrame (``pd.read_csv`` then ``fit``): the estimator then knows its columns by name
(``feature_names_in_``) and a ``ColumnTransformer`` may select them by name. The import hands it the sample
as a DataFrame; serving still never imports pandas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from tests.importing.conftest import HELD_OUT, NAMES, NUMERIC, ROWS, TARGETS, TRAIN, Served, close


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """As ``pd.read_csv`` gives the table: floats with NaN, the string column with NaN for a missing value."""
    data = pd.DataFrame([{n: r[n] for n in NAMES} for r in rows], columns=NAMES)
    data[NUMERIC] = data[NUMERIC].astype("float64")
    return data


def _linear() -> Any:
    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    region = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))
    by_name = ColumnTransformer([("numbers", numbers, NUMERIC), ("region", region, ["region"])])
    return make_pipeline(by_name, LogisticRegression())


def _trees() -> Any:
    region = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="none"),
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
    )
    by_name = ColumnTransformer([("region", region, ["region"])], remainder="passthrough")
    return make_pipeline(by_name, HistGradientBoostingClassifier(max_iter=30, random_state=0))


@pytest.mark.parametrize("build", [_linear, _trees], ids=["linear-one-hot", "hist-gradient-boosting"])
def test_an_estimator_fitted_on_a_dataframe_is_served_as_the_library_answers(
    build: Callable[[], Any], serve: Callable[..., Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    estimator = build().fit(frame(ROWS[TRAIN]), TARGETS["binary"][TRAIN])
    assert list(estimator.feature_names_in_) == NAMES
    served = serve(estimator)
    rows = ROWS[HELD_OUT] + [{**r, "region": "atlantis"} for r in ROWS[HELD_OUT][:5]]
    expected = frame(rows)
    for answer in (served.http(rows), served.lambda_direct(rows, monkeypatch)):
        assert answer["predictions"] == estimator.predict(expected).tolist()
        assert close(answer["probabilities"], estimator.predict_proba(expected)[:, 1])

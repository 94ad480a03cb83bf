"""Converters of the linear family: least squares and its penalized variants, logistic regression.

They read the public fitted attributes ``coef_`` and ``intercept_`` only; ``LogisticRegression`` with more
than two classes is multinomial (softmax of one score per class), as scikit-learn predicts it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.prediction.forms import Form, LinearForm, SoftmaxForm
from core.prediction.importing.table_types import Converter


def regression(estimator: Any) -> Form:
    coef = np.asarray(estimator.coef_, dtype=np.float64)
    if coef.ndim != 1:
        raise ValueError(f"{type(estimator).__name__} fitted on several targets at once cannot be served")
    return LinearForm(float(np.ravel(estimator.intercept_)[0]), coef, "identity")


def logistic(estimator: Any) -> Form:
    coef = np.asarray(estimator.coef_, dtype=np.float64)
    intercept = np.asarray(np.ravel(estimator.intercept_), dtype=np.float64)
    if len(estimator.classes_) == 2:
        return LinearForm(float(intercept[0]), coef.ravel(), "logit")
    if coef.shape[0] != len(estimator.classes_):
        raise ValueError("a multiclass LogisticRegression needs one row of coefficients per class")
    return SoftmaxForm(intercept, coef)


LINEAR_CONVERTERS: dict[str, Converter] = {
    **dict.fromkeys(
        (f"sklearn.linear_model.{name}" for name in ("LinearRegression", "Ridge", "Lasso", "ElasticNet")), regression
    ),
    "sklearn.linear_model.LogisticRegression": logistic,
}

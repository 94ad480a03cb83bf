"""The book's activity: least-squares regression of median home value on ten Boston census features."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from core.prediction.converters import linear_form
from core.prediction.spec import Dataset, Feature, Fitted, ModelSpec


def train(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Fitted:
    from sklearn.linear_model import LinearRegression

    estimator = LinearRegression().fit(x, y)
    form = linear_form(estimator)
    residuals = y - form.evaluate(x)
    r_squared = 1.0 - float(residuals @ residuals) / float(((y - y.mean()) ** 2).sum())
    return Fitted(
        estimator=estimator,
        form=form,
        metrics={"train_r_squared": r_squared, "train_rows": float(len(y))},
        reference=estimator.predict,
    )


SPEC = ModelSpec(
    name="boston",
    version="1.0.0",
    description="Median value of owner-occupied homes (USD 1000s) in a Boston census tract, by least squares "
    "on the first 400 rows of mlbench's BostonHousing.",
    task="regression",
    formula="medv ~ crim + zn + indus + chas + nox + rm + age + dis + rad + tax",
    features=(
        Feature("crim", "number", "per capita crime rate by town"),
        Feature("zn", "number", "proportion of residential land zoned for lots over 25,000 sq.ft"),
        Feature("indus", "number", "proportion of non-retail business acres per town"),
        Feature("chas", "binary", "Charles River dummy: 1 if the tract bounds the river, else 0"),
        Feature("nox", "number", "nitric oxides concentration (parts per 10 million)"),
        Feature("rm", "number", "average number of rooms per dwelling"),
        Feature("age", "number", "proportion of owner-occupied units built prior to 1940"),
        Feature("dis", "number", "weighted distances to five Boston employment centres"),
        Feature("rad", "integer", "index of accessibility to radial highways"),
        Feature("tax", "number", "full-value property-tax rate per USD 10,000"),
    ),
    target="medv",
    dataset=Dataset("boston_housing.csv", rows=400),
    train=train,
)

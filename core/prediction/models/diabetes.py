"""The book's plumber model: unpenalized logistic regression of diabetes on three features, as R's ``glm``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from core.prediction.converters import logistic_form
from core.prediction.spec import Dataset, Feature, Fitted, ModelSpec


def train(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Fitted:
    """Maximum likelihood with no penalty, converged far past R's tolerance.

    ``C=inf`` because scikit-learn's ``LogisticRegression`` penalizes with L2 by default.
    """
    from sklearn.linear_model import LogisticRegression

    estimator = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(x, y)
    form = logistic_form(estimator)
    p = form.evaluate(x)
    accuracy = float(np.mean((p >= 0.5) == (y == 1)))
    return Fitted(
        estimator=estimator,
        form=form,
        metrics={"train_accuracy": accuracy, "train_rows": float(len(y))},
        reference=lambda m: estimator.predict_proba(m)[:, 1],
    )


SPEC = ModelSpec(
    name="diabetes",
    version="1.0.0",
    description="Probability of diabetes from pregnancies, plasma glucose and diastolic blood pressure "
    "(the book's plumber model, on all 768 rows of mlbench's PimaIndiansDiabetes).",
    task="classification",
    formula="diabetes ~ pregnant + glucose + pressure (binomial, logit link)",
    features=(
        Feature("pregnant", "integer", "number of times pregnant"),
        Feature("glucose", "number", "plasma glucose concentration, 2 h oral glucose tolerance test"),
        Feature("pressure", "number", "diastolic blood pressure (mm Hg)"),
    ),
    target="diabetes",
    positive="pos",
    labels=("no", "yes"),
    dataset=Dataset("pima_indians_diabetes.csv"),
    train=train,
)

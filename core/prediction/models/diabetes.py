"""The book's plumber model: unpenalized logistic regression of diabetes on three features, as R's ``glm``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from core.prediction.converters import linear_form, positive_probability
from core.prediction.models import _pima
from core.prediction.spec import Fitted, ModelSpec


def train(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Fitted:
    """Maximum likelihood with no penalty, converged far past R's tolerance.

    ``C=inf`` because scikit-learn's ``LogisticRegression`` penalizes with L2 by default.
    """
    from sklearn.linear_model import LogisticRegression

    estimator = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(x, y)
    form = linear_form(estimator, link="logit")
    p = form.evaluate(x)
    accuracy = float(np.mean((p >= 0.5) == (y == 1)))
    return Fitted(
        estimator=estimator,
        form=form,
        metrics={"train_accuracy": accuracy, "train_rows": float(len(y))},
        reference=positive_probability(estimator),
    )


SPEC = ModelSpec(
    name="diabetes",
    version="1.0.0",
    description="Probability of diabetes from pregnancies, plasma glucose and diastolic blood pressure "
    "(the book's plumber model, on all 768 rows of mlbench's PimaIndiansDiabetes).",
    task="classification",
    formula="diabetes ~ pregnant + glucose + pressure (binomial, logit link)",
    features=_pima.features("pregnant", "glucose", "pressure"),
    target=_pima.TARGET,
    positive=_pima.POSITIVE,
    labels=("no", "yes"),
    dataset=_pima.DATASET,
    train=train,
)

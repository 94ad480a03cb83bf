"""The book's SageMaker XGBoost exercise, done here: gradient-boosted trees on all eight Pima features."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from core.prediction.converters import hist_gradient_boosting_form, positive_probability
from core.prediction.models import _pima
from core.prediction.spec import Fitted, ModelSpec

SEED = 20240607
"""Fixes both the 70/30 split and the boosting, so ``make models`` reproduces the committed artifact."""


def train(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Fitted:
    """Fit on a stratified 70 % and report accuracy and ROC AUC on the held-out 30 %."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import train_test_split

    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=SEED, stratify=y)
    estimator = HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.05, max_depth=4, early_stopping=False, random_state=SEED
    ).fit(x_train, y_train)
    p_test = estimator.predict_proba(x_test)[:, 1]
    return Fitted(
        estimator=estimator,
        form=hist_gradient_boosting_form(estimator),
        metrics={
            "test_accuracy": float(accuracy_score(y_test, p_test >= 0.5)),
            "test_roc_auc": float(roc_auc_score(y_test, p_test)),
            "train_rows": float(len(y_train)),
            "test_rows": float(len(y_test)),
        },
        reference=positive_probability(estimator),
    )


SPEC = ModelSpec(
    name="diabetes-gbm",
    version="1.0.0",
    description="Probability of diabetes from all eight PimaIndiansDiabetes features, by gradient-boosted trees "
    "(scikit-learn HistGradientBoostingClassifier, 70/30 stratified split).",
    task="classification",
    formula="diabetes ~ . (100 boosted trees, depth <= 4)",
    features=_pima.features(),
    target=_pima.TARGET,
    positive=_pima.POSITIVE,
    labels=("no", "yes"),
    dataset=_pima.DATASET,
    train=train,
)

"""The shape of a converter, apart from the table, so that converter modules and the table import it alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.prediction.forms import Form

Converter = Callable[[Any], Form]
"""A fitted estimator -> its served form; ``ValueError`` with a clear message for what the form cannot reproduce.

The form's ``evaluate`` returns shape (n,) for a regression or a binary classifier (the probability of
``classes_[1]``), (n, k) for a multiclass classifier (probabilities in ``classes_`` order); its input is the
numeric matrix the estimator receives, NaN for a missing value."""


def class_path(obj: object) -> str:
    """The public dotted path of an object's class: the shortest module prefix that exposes the class itself.

    ``sklearn.linear_model._logistic.LogisticRegression`` -> ``sklearn.linear_model.LogisticRegression``,
    ``xgboost.sklearn.XGBClassifier`` -> ``xgboost.XGBClassifier``. Only modules already imported are looked
    at, so this imports nothing.
    """
    import sys

    cls = type(obj)
    parts = cls.__module__.split(".")
    for end in range(1, len(parts) + 1):
        module = sys.modules.get(".".join(parts[:end]))
        if module is not None and getattr(module, cls.__qualname__, None) is cls:
            return f"{'.'.join(parts[:end])}.{cls.__qualname__}"
    return f"{cls.__module__}.{cls.__qualname__}"

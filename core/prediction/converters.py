"""Turn fitted scikit-learn estimators into served forms; used by training only, never when serving.

The functions read the estimators' public fitted attributes (``coef_``, ``intercept_``) and, for
histogram gradient boosting, the node tables it keeps as numpy arrays, so this module itself does
not import scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from core.prediction.forms import LinearForm, Link, Matrix, TreeEnsembleForm, Vector

MAX_DEPTH = 12
"""Deeper trees would need 2**depth slots each; boosting uses shallow trees, so this is no real limit."""


def linear_form(estimator: Any, link: Link = "identity") -> LinearForm:
    """A fitted linear model (``LinearRegression``, or a binary ``LogisticRegression`` with ``link="logit"``).

    ``intercept_`` is a number for a regression and a one-element array for a binary classifier: both ravel.
    """
    intercept = float(np.ravel(estimator.intercept_)[0])
    return LinearForm(intercept, np.asarray(estimator.coef_, dtype=np.float64).ravel(), link)


def positive_probability(estimator: Any) -> Callable[[Matrix], Vector]:
    """A binary classifier's own probability of the positive class: what its served form must reproduce."""
    return lambda x: np.asarray(estimator.predict_proba(x)[:, 1], dtype=np.float64)


def hist_gradient_boosting_form(estimator: Any) -> TreeEnsembleForm:
    """Lay a binary ``HistGradientBoostingClassifier``'s trees out as complete trees of one depth.

    Refuses what the served form does not reproduce: categorical splits, more than one tree per
    iteration (multi-class), and trees too deep to lay out completely.
    """
    predictors = estimator._predictors
    if any(len(per_iteration) != 1 for per_iteration in predictors):
        raise ValueError("only binary classifiers (one tree per iteration) can be converted")
    tables = [per_iteration[0].nodes for per_iteration in predictors]
    depth = max(int(nodes["depth"].max()) for nodes in tables)
    if depth > MAX_DEPTH:
        raise ValueError(f"trees of depth {depth} are deeper than the served form's limit of {MAX_DEPTH}")
    splits = 2**depth - 1
    feature = np.zeros((len(tables), splits), dtype=np.intp)
    threshold = np.full((len(tables), splits), np.inf)
    leaf = np.zeros((len(tables), splits + 1))
    for t, nodes in enumerate(tables):
        if np.any(nodes["is_categorical"]):
            raise ValueError("categorical splits are not supported by the served form")
        _lay_out(nodes, 0, 0, depth, feature[t], threshold[t], leaf[t])
    return TreeEnsembleForm(
        baseline=float(np.ravel(estimator._baseline_prediction)[0]),
        depth=depth,
        feature=feature,
        threshold=threshold,
        leaf=leaf,
        link="logit",
    )


def _lay_out(nodes: Any, node: int, position: int, levels: int, feature: Any, threshold: Any, leaf: Any) -> None:
    """Copy the subtree at ``node`` to heap ``position``; a leaf fills every leaf slot below its position."""
    if levels == 0 or nodes["is_leaf"][node]:
        first = position
        for _ in range(levels):
            first = 2 * first + 1  # always left: threshold stays +inf
        width = 2**levels
        leaf[first - len(feature) : first - len(feature) + width] = nodes["value"][node]
        return
    feature[position] = nodes["feature_idx"][node]
    threshold[position] = nodes["num_threshold"][node]
    _lay_out(nodes, int(nodes["left"][node]), 2 * position + 1, levels - 1, feature, threshold, leaf)
    _lay_out(nodes, int(nodes["right"][node]), 2 * position + 2, levels - 1, feature, threshold, leaf)

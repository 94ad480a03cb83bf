"""Turn fitted scikit-learn estimators into served forms; used by training only, never when serving.

The functions read the estimators' public fitted attributes (``coef_``, ``intercept_``) and, for
histogram gradient boosting, the node tables it keeps as numpy arrays, so this module itself does
not import scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.forms import LinearForm, LogisticForm, TreeEnsembleForm


def linear_form(estimator: Any) -> LinearForm:
    return LinearForm(float(estimator.intercept_), np.asarray(estimator.coef_, dtype=np.float64).ravel())


def logistic_form(estimator: Any) -> LogisticForm:
    return LogisticForm(float(estimator.intercept_[0]), np.asarray(estimator.coef_, dtype=np.float64).ravel())


def hist_gradient_boosting_form(estimator: Any) -> TreeEnsembleForm:
    """Flatten a binary ``HistGradientBoostingClassifier`` into one node table.

    Refuses what the flat walk does not reproduce: categorical splits and more than one tree per
    iteration (multi-class).
    """
    predictors = estimator._predictors
    if any(len(per_iteration) != 1 for per_iteration in predictors):
        raise ValueError("only binary classifiers (one tree per iteration) can be flattened")
    roots, feature, threshold, left, right, value = [], [], [], [], [], []
    depth = 0
    offset = 0
    for (tree,) in predictors:
        nodes = tree.nodes
        if np.any(nodes["is_categorical"]):
            raise ValueError("categorical splits are not supported by the served form")
        n = len(nodes)
        own = np.arange(offset, offset + n)
        leaf = nodes["is_leaf"].astype(bool)
        roots.append(offset)
        feature.append(np.where(leaf, 0, nodes["feature_idx"]).astype(np.int64))
        threshold.append(np.where(leaf, np.inf, nodes["num_threshold"]).astype(np.float64))
        left.append(np.where(leaf, own, nodes["left"].astype(np.int64) + offset))
        right.append(np.where(leaf, own, nodes["right"].astype(np.int64) + offset))
        value.append(np.where(leaf, nodes["value"], 0.0).astype(np.float64))
        depth = max(depth, int(nodes["depth"].max()))
        offset += n
    return TreeEnsembleForm(
        baseline=float(np.ravel(estimator._baseline_prediction)[0]),
        roots=np.asarray(roots, dtype=np.int64),
        feature=np.concatenate(feature),
        threshold=np.concatenate(threshold),
        left=np.concatenate(left),
        right=np.concatenate(right),
        value=np.concatenate(value),
        depth=depth,
        link="logit",
    )

"""scikit-learn's single trees, forests and ``GradientBoosting*`` as node-array forms.

They read the fitted ``tree_`` arrays (``children_left/right``, ``feature``, ``threshold``,
``missing_go_to_left``, ``value``), so this module does not import scikit-learn. scikit-learn casts the
inputs to float32 and sends a row left when ``x <= threshold``: each threshold becomes the largest float32
at or below it, compared in float32 ("go right when greater").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.prediction.importing.tree_table import TreeTable, assemble, float32_below
from core.prediction.node_trees import NodeTreesForm, Output


def decision_tree_classifier(estimator: Any) -> NodeTreesForm:
    """One tree's class probabilities (the probability of ``classes_[1]`` for a binary one)."""
    return _forest_classifier([estimator], estimator)


def decision_tree_regressor(estimator: Any) -> NodeTreesForm:
    return _forest_regressor([estimator], estimator)


def forest_classifier(estimator: Any) -> NodeTreesForm:
    """``RandomForestClassifier``, ``ExtraTreesClassifier``: the mean of the trees' class probabilities."""
    return _forest_classifier(list(estimator.estimators_), estimator)


def forest_regressor(estimator: Any) -> NodeTreesForm:
    """``RandomForestRegressor``, ``ExtraTreesRegressor``: the mean of the trees' values."""
    return _forest_regressor(list(estimator.estimators_), estimator)


def _forest_classifier(trees: list[Any], estimator: Any) -> NodeTreesForm:
    _single_output(estimator)
    classes = len(estimator.classes_)
    tables = [_table(tree.tree_, _probabilities(tree.tree_.value[:, 0, :], classes)) for tree in trees]
    return assemble(
        tables,
        int(estimator.n_features_in_),
        np.zeros(tables[0].value.shape[1]),
        scale=1.0 / len(trees),
        compare="float32",
    )


def _forest_regressor(trees: list[Any], estimator: Any) -> NodeTreesForm:
    _single_output(estimator)
    tables = [_table(tree.tree_, tree.tree_.value[:, 0, :1]) for tree in trees]
    return assemble(tables, int(estimator.n_features_in_), np.zeros(1), scale=1.0 / len(trees), compare="float32")


def _probabilities(value: Any, classes: int) -> Any:
    """Each node's class fractions as scikit-learn's ``predict_proba`` normalises them; binary: ``classes_[1]``'s."""
    fractions = np.asarray(value, dtype=np.float64)
    total = fractions.sum(axis=1, keepdims=True)
    total[total == 0.0] = 1.0
    fractions = fractions / total
    return fractions[:, 1:2] if classes == 2 else fractions


def _single_output(estimator: Any) -> None:
    if int(getattr(estimator, "n_outputs_", 1)) != 1:
        raise ValueError(f"{type(estimator).__name__} with several outputs is not supported: fit one target")


def _table(tree: Any, value: Any) -> TreeTable:
    """A fitted ``tree_`` as a table; leaves carry ``value`` (already the served columns)."""
    return TreeTable(
        left=np.asarray(tree.children_left, dtype=np.intp),
        right=np.asarray(tree.children_right, dtype=np.intp),
        feature=np.maximum(np.asarray(tree.feature, dtype=np.intp), 0),
        threshold=float32_below(tree.threshold).astype(np.float64),
        missing_left=np.asarray(tree.missing_go_to_left, dtype=bool),
        value=np.asarray(value, dtype=np.float64),
    )


def gradient_boosting_classifier(estimator: Any) -> NodeTreesForm:
    """``GradientBoostingClassifier`` with the log loss: the logistic (binary) or softmax of its raw score."""
    if getattr(estimator, "loss", "log_loss") != "log_loss":
        raise ValueError(f"GradientBoostingClassifier with loss={estimator.loss!r} is not supported: use log_loss")
    return _gradient_boosting(estimator, "logit" if len(estimator.classes_) == 2 else "softmax")


def gradient_boosting_regressor(estimator: Any) -> NodeTreesForm:
    return _gradient_boosting(estimator, "identity")


def _gradient_boosting(estimator: Any, output: Output) -> NodeTreesForm:
    """``init_``'s constant raw score plus ``learning_rate`` times each stage's trees, as ``predict_stages`` adds.

    Each leaf holds ``learning_rate * value``, the product scikit-learn adds, so only the order of the sums
    differs. An ``init`` estimator other than the default constant one is refused: its answer depends on x.
    """
    stages = np.asarray(estimator.estimators_)
    features = int(estimator.n_features_in_)
    baseline = _initial_raw_score(estimator, features, stages.shape[1])
    rate = float(estimator.learning_rate)
    tables = [_table(tree.tree_, rate * tree.tree_.value[:, 0, :1]) for tree in stages.ravel()]
    columns = stages.shape[1]
    return assemble(
        tables,
        features,
        baseline,
        output=output,
        compare="float32",
        tree_column=np.tile(np.arange(columns), stages.shape[0]) if columns > 1 else None,
    )


def _initial_raw_score(estimator: Any, features: int, columns: int) -> Any:
    init = estimator.init_
    if isinstance(init, str) and init == "zero":
        return np.zeros(columns)
    if type(init).__name__ not in {"DummyClassifier", "DummyRegressor"}:
        raise ValueError(f"GradientBoosting with init={type(init).__name__} is not supported: leave init unset")
    return np.asarray(estimator._raw_predict_init(np.zeros((1, features), dtype=np.float32)), dtype=np.float64)[0]

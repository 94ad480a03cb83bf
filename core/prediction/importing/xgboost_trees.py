"""XGBoost (``XGBClassifier``, ``XGBRegressor``, ``Booster``) as node-array forms, from ``save_raw("json")``.

XGBoost casts inputs to float32 and sends a row left when ``x < split_condition``: so "go right when
``x > t``" with ``t`` the float32 just below the condition. A leaf's value is its ``split_conditions``
entry; missing values follow ``default_left``. The raw score is the base margin (``base_score`` through
the objective's link) plus the leaves; XGBoost adds in float32, we in float64 (agreement to 1e-6 relative).
Categorical splits are refused for now.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from core.prediction.importing.tree_table import TreeTable, assemble
from core.prediction.node_trees import NodeTreesForm, Output

_OBJECTIVES: dict[str, tuple[Output, bool]] = {
    "binary:logistic": ("logit", True),
    "reg:logistic": ("logit", True),
    "reg:squarederror": ("identity", False),
    "reg:absoluteerror": ("identity", False),
    "reg:pseudohubererror": ("identity", False),
    "multi:softprob": ("softmax", False),
    "multi:softmax": ("softmax", False),
}
"""Objective → (output, whether ``base_score`` is a probability to turn into log-odds)."""


def xgboost_model(estimator: Any) -> NodeTreesForm:
    """An ``XGBClassifier``/``XGBRegressor`` (through ``get_booster()``) or a ``Booster``."""
    booster = estimator.get_booster() if hasattr(estimator, "get_booster") else estimator
    limit = getattr(estimator, "best_iteration", None) if hasattr(estimator, "get_booster") else None
    if limit is not None:
        raise ValueError("an XGBoost model fitted with early stopping is not supported: refit without it")
    return booster_form(json.loads(bytes(booster.save_raw("json"))))


def booster_form(model: dict[str, Any]) -> NodeTreesForm:
    """The form of a booster's JSON model (``Booster.save_raw("json")``)."""
    learner = model["learner"]
    objective = learner["objective"]["name"]
    if objective not in _OBJECTIVES:
        raise ValueError(f"XGBoost objective {objective!r} is not supported: supported are {sorted(_OBJECTIVES)}")
    output, probability_base = _OBJECTIVES[objective]
    booster = learner["gradient_booster"]
    if booster.get("name", "gbtree") not in {"gbtree"} or "model" not in booster:
        raise ValueError(f"XGBoost booster {booster.get('name')!r} is not supported: only gbtree")
    params = learner["learner_model_param"]
    columns = max(1, int(params["num_class"]))
    base = np.asarray(json.loads(params["base_score"].replace("E", "e")), dtype=np.float32).ravel()
    if probability_base:
        base = np.log(base / (np.float32(1) - base)).astype(np.float32)
    baseline = np.broadcast_to(base.astype(np.float64), (columns,))
    trees = booster["model"]["trees"]
    tables = [_table(tree) for tree in trees]
    tree_info = np.asarray(booster["model"]["tree_info"], dtype=np.intp)
    return assemble(
        tables,
        int(params["num_feature"]),
        baseline,
        output=output,
        compare="float32",
        tree_column=tree_info if columns > 1 else None,
    )


def _table(tree: dict[str, Any]) -> TreeTable:
    if any(int(kind) != 0 for kind in tree["split_type"]):
        raise ValueError(
            "XGBoost categorical splits (a model fitted with enable_categorical=True) are not supported: "
            "refit with enable_categorical=False, on the column one-hot or ordinal-encoded in the pipeline"
        )
    left = np.asarray(tree["left_children"], dtype=np.intp)
    condition = np.asarray(tree["split_conditions"], dtype=np.float32)
    below = np.nextafter(condition, np.float32(-np.inf)).astype(np.float64)
    return TreeTable(
        left=left,
        right=np.asarray(tree["right_children"], dtype=np.intp),
        feature=np.asarray(tree["split_indices"], dtype=np.intp),
        threshold=below,
        missing_left=np.asarray(tree["default_left"], dtype=bool),
        value=condition.astype(np.float64)[:, None],
    )

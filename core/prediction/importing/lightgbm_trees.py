"""LightGBM (``LGBMClassifier``, ``LGBMRegressor``, ``Booster``) as node-array forms, from ``dump_model()``.

LightGBM sends a row left when ``x <= threshold`` in float64. Missing values: with ``missing_type`` NaN
they follow ``default_left``; with None LightGBM reads NaN as 0, so they go where 0 goes; with "Zero"
(``zero_as_missing=True``) zero and NaN follow ``default_left``, served by reading zero as NaN. A
categorical split (``decision_type == "=="``) sends the listed category codes left,
and NaN or a negative code right, as LightGBM does. The initial score is in the first trees' leaves.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from core.prediction.importing.tree_table import TreeTable, assemble
from core.prediction.node_trees import NodeTreesForm, Output


def lightgbm_model(estimator: Any) -> NodeTreesForm:
    """An ``LGBMClassifier``/``LGBMRegressor`` (through ``booster_``) or a ``Booster``."""
    booster = estimator.booster_ if hasattr(estimator, "booster_") else estimator
    return dump_form(booster.dump_model())


def dump_form(model: dict[str, Any]) -> NodeTreesForm:
    """The form of a booster's ``dump_model()``."""
    objective = str(model.get("objective", "")).split()
    output = _output(objective)
    columns = int(model["num_tree_per_iteration"])
    tables = [_table(tree["tree_structure"]) for tree in model["tree_info"]]
    form = assemble(
        tables,
        int(model["max_feature_idx"]) + 1,
        np.zeros(columns),
        output=output,
        compare="float64",
        tree_column=np.tile(np.arange(columns), len(tables) // columns) if columns > 1 else None,
    )
    return replace(form, zero_as_missing=True) if _zero_as_missing(model) else form


def _zero_as_missing(model: dict[str, Any]) -> bool:
    """Whether the model reads zero as missing (``zero_as_missing=True``): its splits' missing type is "Zero".

    Served by reading every value within ``1e-35`` of zero as NaN, which is exact when no split treats NaN
    apart from zero ("NaN" missing type) and no split is on a category (whose code 0 would then be missing).
    """
    kinds: set[str] = set()
    stack = [tree["tree_structure"] for tree in model["tree_info"]]
    while stack:
        node = stack.pop()
        if "split_index" in node:
            kinds.add("category" if node["decision_type"] == "==" else str(node.get("missing_type", "None")))
            stack.extend((node["left_child"], node["right_child"]))
    if "Zero" not in kinds:
        return False
    if kinds & {"NaN", "category"}:
        raise ValueError(
            "LightGBM zero_as_missing=True with categorical splits or NaN-as-missing splits is not supported: "
            "refit with zero_as_missing=False"
        )
    return True


def _output(objective: list[str]) -> Output:
    name = objective[0] if objective else ""
    if name == "binary" and "sigmoid:1" in objective:
        return "logit"
    if name in {"multiclass", "softmax"}:
        return "softmax"
    if name in {"regression", "regression_l1", "huber", "fair", "quantile", "mape"}:
        return "identity"
    raise ValueError(f"LightGBM objective {' '.join(objective)!r} is not supported: binary, multiclass, regression")


def _table(root: dict[str, Any]) -> TreeTable:
    """The nested dump numbered depth first (the form renumbers it)."""
    nodes: list[dict[str, Any]] = []
    left: list[int] = []
    right: list[int] = []
    stack: list[tuple[dict[str, Any], int, bool]] = [(root, -1, False)]
    while stack:
        node, parent, is_right = stack.pop()
        index = len(nodes)
        nodes.append(node)
        left.append(-1)
        right.append(-1)
        if parent >= 0:
            (right if is_right else left)[parent] = index
        if "split_index" in node:
            stack.append((node["right_child"], index, True))
            stack.append((node["left_child"], index, False))
    size = len(nodes)
    feature = np.zeros(size, dtype=np.intp)
    threshold = np.full(size, np.inf)
    missing_left = np.zeros(size, dtype=bool)
    value = np.zeros((size, 1))
    categorical = np.zeros(size, dtype=bool)
    codes: dict[int, list[int]] = {}
    for i, node in enumerate(nodes):
        if "split_index" not in node:
            value[i, 0] = float(node["leaf_value"])
            continue
        feature[i] = int(node["split_feature"])
        if node["decision_type"] == "==":
            categorical[i] = True
            codes[i] = [int(c) for c in str(node["threshold"]).split("||")]
            continue
        threshold[i] = float(node["threshold"])
        missing_left[i] = _missing_left(node, threshold[i])
    bitsets = None
    if codes:
        words = 1 + max(max(c) for c in codes.values()) // 32
        bitsets = np.zeros((size, words), dtype=np.uint32)
        for i, listed in codes.items():
            for code in listed:
                bitsets[i, code >> 5] |= np.uint32(1 << (code & 31))
    return TreeTable(
        left=np.asarray(left, dtype=np.intp),
        right=np.asarray(right, dtype=np.intp),
        feature=feature,
        threshold=threshold,
        missing_left=missing_left,
        value=value,
        cat_bitset=bitsets,
        is_categorical=categorical if bitsets is not None else None,
    )


def _missing_left(node: dict[str, Any], threshold: float) -> bool:
    missing = node.get("missing_type", "None")
    if missing == "NaN":
        return bool(node["default_left"])
    if missing == "None":
        return 0.0 <= threshold
    if missing == "Zero":  # zero_as_missing: the form reads zero as NaN, which goes the default way
        return bool(node["default_left"])
    raise ValueError(f"LightGBM missing type {missing!r} is not supported")

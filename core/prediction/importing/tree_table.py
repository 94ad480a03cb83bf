"""One library-neutral table per tree, and their assembly into a ``NodeTreesForm``.

Each library's converter reads its own trees into ``TreeTable`` (children, feature, threshold already in
the form's rule "go right when ``x > threshold``" in the compare dtype, missing direction, leaf values,
category bitsets); this module renumbers every tree breadth first, so that a node's two children are
neighbours, and concatenates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from core.prediction.node_trees import CompareDtype, Index, NodeTreesForm, Output

LEAF = -1
"""``left``/``right`` of a leaf."""


@dataclass(frozen=True)
class TreeTable:
    """One tree as the library numbers it; node 0 is the root."""

    left: Index
    right: Index
    feature: Index
    threshold: npt.NDArray[np.float64]
    """Go right when ``x > threshold`` (already in the compare dtype's values)."""
    missing_left: npt.NDArray[np.bool_]
    value: npt.NDArray[np.float64]
    """(nodes, width); only leaves' rows are read."""
    cat_bitset: npt.NDArray[np.uint32] | None = None
    """(nodes, words): bit ``c`` set when code ``c`` goes left; None when no node splits on a category."""
    is_categorical: npt.NDArray[np.bool_] | None = None


def assemble(
    trees: list[TreeTable],
    n_features: int,
    baseline: npt.ArrayLike,
    *,
    scale: float = 1.0,
    output: Output = "identity",
    compare: CompareDtype = "float64",
    tree_column: npt.ArrayLike | None = None,
) -> NodeTreesForm:
    """Renumber each tree breadth first and concatenate them into one form."""
    parts = [_renumbered(tree, n_features, float(np.finfo(compare).max)) for tree in trees]
    sizes = np.array([part["child"].shape[0] for part in parts], dtype=np.intp)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    width = max(part["value"].shape[1] for part in parts)
    words = max((part["cat_bitset"].shape[1] for part in parts if part["cat_bitset"] is not None), default=0)
    cat_node: list[Index] = []
    cat_bitset: list[npt.NDArray[np.uint32]] = []
    for part, offset in zip(parts, offsets, strict=True):
        part["child"] += offset
        if part["cat_bitset"] is not None:
            nodes = np.flatnonzero(part["is_categorical"])
            cat_node.append(nodes + offset)
            padded = np.zeros((nodes.shape[0], words), dtype=np.uint32)
            padded[:, : part["cat_bitset"].shape[1]] = part["cat_bitset"][nodes]
            cat_bitset.append(padded)
    has_categories = bool(cat_node) and sum(nodes.shape[0] for nodes in cat_node) > 0
    return NodeTreesForm(
        n_features=n_features,
        feature=np.concatenate([part["feature"] for part in parts]),
        threshold=np.concatenate([part["threshold"] for part in parts]).astype(compare),
        child=np.concatenate([part["child"] for part in parts]),
        value=np.concatenate([part["value"] for part in parts]).reshape(-1, width),
        roots=offsets,
        baseline=np.atleast_1d(np.asarray(baseline, dtype=np.float64)),
        scale=scale,
        output=output,
        tree_column=None if tree_column is None else np.asarray(tree_column, dtype=np.intp),
        compare=compare,
        cat_node=np.concatenate(cat_node) if has_categories else None,
        cat_bitset=np.concatenate(cat_bitset) if has_categories else None,
    )


def _renumbered(tree: TreeTable, n_features: int, largest: float) -> dict[str, Any]:
    """The tree in breadth-first order, as the form's arrays (children local to the tree).

    A split at ``+inf`` (scikit-learn's "every value left, missing ones right") becomes a split at the
    largest finite value, so that a missing value (``+inf`` in the walk) goes right; a real ``+inf``
    would then go right too, but the served inputs are finite.
    """
    order = _breadth_first(tree.left, tree.right)
    new_id = np.empty(tree.left.shape[0], dtype=np.intp)
    new_id[order] = np.arange(order.shape[0])
    left = tree.left[order]
    leaf = left == LEAF
    own = np.arange(order.shape[0], dtype=np.intp)
    categorical = np.zeros(order.shape[0], dtype=bool) if tree.is_categorical is None else tree.is_categorical[order]
    return {
        "feature": np.where(leaf, 0, tree.feature[order] + n_features * tree.missing_left[order]).astype(np.intp),
        "threshold": np.where(leaf | categorical, np.inf, np.minimum(tree.threshold[order], largest)),
        "child": np.where(leaf, own, new_id[np.where(leaf, 0, left)]).astype(np.intp),
        "value": np.where(leaf[:, None], tree.value[order], 0.0),
        "cat_bitset": None if tree.cat_bitset is None else tree.cat_bitset[order],
        "is_categorical": categorical,
    }


def _breadth_first(left: Index, right: Index) -> Index:
    """Node ids level by level, each split's two children side by side (left first)."""
    levels = [np.zeros(1, dtype=np.intp)]
    while levels[-1].shape[0]:
        frontier = levels[-1]
        splits = frontier[left[frontier] != LEAF]
        levels.append(np.stack([left[splits], right[splits]], axis=1).ravel())
    order = np.concatenate(levels)
    if np.unique(order).shape[0] != order.shape[0] or order.shape[0] != left.shape[0]:
        raise ValueError("the tree's nodes do not form one binary tree")
    return order


def float32_below(threshold: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """The largest float32 at or below each threshold: for float32 inputs, ``x <= t`` iff ``x <= float32_below(t)``."""
    exact = np.asarray(threshold, dtype=np.float64)
    rounded = exact.astype(np.float32)
    above = rounded.astype(np.float64) > exact
    return np.where(above, np.nextafter(rounded, np.float32(-np.inf)), rounded).astype(np.float32)

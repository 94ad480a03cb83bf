"""Trees of any depth as flat node arrays, walked with numpy for every row and every tree at once.

``TreeEnsembleForm`` lays each tree out as a complete tree, which costs ``2**depth`` slots: fine for
shallow boosted trees, impossible for a default random forest (depth 30 and more). This form stores only
the nodes that exist, numbered so that a node's two children are neighbours (``child`` and ``child + 1``).
A leaf points at itself with a threshold of ``+inf``, so a walk may take more steps than a row needs
without leaving its leaf; the walk drops finished (row, tree) pairs as it goes.

One rule for every library, fixed at conversion: go right when ``x > threshold``, in the compare dtype
(``float32`` for scikit-learn's trees and XGBoost, which compare float32 inputs; ``float64`` for
``HistGradientBoosting*`` and LightGBM). A missing value (NaN) goes where its node says without an extra
test per step: the walk reads from ``[x with NaN as +inf | x with NaN as -inf]``, and a node whose
missing values go left reads its feature from the second half (``feature + n_features``). Real
infinities are the same in both halves, so they still go where the libraries send them.

Categorical splits (``HistGradientBoosting*``, LightGBM) read the category code as a number: a node in
``cat_node`` sends a row left when bit ``int(x)`` of its bitset is set; NaN, a negative code or one past
the bitset goes where the node's missing values go.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from core.prediction.bitvector_trees import BitvectorPlan, Layout, layout, plan

Output = Literal["identity", "logit", "softmax"]
"""How the summed score becomes the answer: as it is (regressions, forests' averaged probabilities), the
logistic function (binary boosting), or the softmax across columns (multiclass boosting)."""

CompareDtype = Literal["float32", "float64"]

Index = npt.NDArray[np.intp]
Matrix = npt.NDArray[np.float64]

ARRAYS = ("feature", "threshold", "child", "value", "roots", "tree_column", "baseline", "cat_node", "cat_bitset")
"""The arrays ``to_arrays`` gives and ``from_json`` reads; everything else is in the JSON header."""

_CHUNK_PAIRS = 65_536
"""(row, tree) pairs walked at once: their index arrays (512 KiB each) stay in the cache, while numpy's
per-call cost stays small; measured on 100-tree models, 50k pairs ran twice as fast as 400k."""
_BITVECTOR_CHUNK_PAIRS = 262_144
"""(row, tree) pairs whose leaves ``bitvector_trees`` finds per call: their slot and value arrays (2 MB each)
stay in the cache; measured on 100 boosted trees, 15 % faster than 1M pairs, and no slower than 64k."""
_BITVECTOR_WORDS = 32_768
"""(row, tree) words ANDed at once: measured on 100 trees, 128 to 328 rows ran twice as fast as 1,310."""
_LIGHTGBM_ZERO = float(np.float32(1e-35))
"""LightGBM's ``kZeroThreshold`` (``1e-35f``, compared as a double): ``IsZero`` within it."""
_WALK_NODE_BYTES = 1 << 20
"""Node-array bytes walked together (``_trees_per_walk``)."""
_COMPACT_EVERY = 2
"""Levels between two removals of finished pairs: removing costs about as much as one level."""
_FIXED_STEPS_DEPTH = 12
"""Up to this depth every pair walks ``depth`` steps: cheaper than finding and dropping the finished ones."""
_STEPS_BEFORE_DROPPING = 8
"""Deeper trees: levels walked by every pair before finished ones are dropped (few leaves lie higher)."""


@dataclass(frozen=True)
class NodeTreesForm:
    """``output(baseline + scale * sum of the leaves' values)``, one walk per tree.

    ``value`` has one column per output column (forests' class probabilities) or one column per tree,
    added to column ``tree_column[t]`` (boosting's one tree per class and iteration).
    """

    n_features: int
    feature: Index
    """(nodes,): the column read, in ``[x, NaN as +inf | x, NaN as -inf]`` (``+ n_features``: missing goes left)."""
    threshold: npt.NDArray[np.floating[Any]]
    """(nodes,): go right when the value is greater; ``+inf`` on leaves. In the compare dtype."""
    child: Index
    """(nodes,): the left child (the right one is next to it); a leaf's own index."""
    value: Matrix
    """(nodes, width): what a leaf adds (zero on split nodes)."""
    roots: Index
    """(trees,): each tree's first node."""
    baseline: Matrix
    """(columns,): added once to every row."""
    scale: float = 1.0
    output: Output = "identity"
    tree_column: Index | None = None
    """(trees,): with a one-column ``value``, the output column each tree adds to; None when width = columns."""
    compare: CompareDtype = "float64"
    cat_node: Index | None = None
    """(categorical nodes,): the nodes that split on a category code."""
    cat_bitset: npt.NDArray[np.uint32] | None = None
    """(categorical nodes, words): bit ``c`` set when code ``c`` goes left."""
    zero_as_missing: bool = False
    """LightGBM's ``zero_as_missing``: a value within ``1e-35f`` of zero is missing, as NaN is."""

    @property
    def kind(self) -> str:
        return "tree_nodes"

    @property
    def columns(self) -> int:
        return int(self.baseline.shape[0])

    def evaluate(self, x: Matrix) -> Matrix:
        """(n,) for one output column (regressions, binary classifiers), else (n, columns)."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"expected a matrix of {self.n_features} columns, got shape {x.shape}")
        if self.zero_as_missing:
            x = np.where(np.abs(x) <= _LIGHTGBM_ZERO, np.nan, x)
        raw = np.empty((x.shape[0], self.columns), dtype=np.float64)
        if self._bitvector is None:
            chunk = max(16, _CHUNK_PAIRS // self._trees_per_walk)
        else:
            chunk = max(16, _BITVECTOR_CHUNK_PAIRS // max(1, self.roots.shape[0]))
        for start in range(0, x.shape[0], chunk):
            raw[start : start + chunk] = self._raw(x[start : start + chunk])
        answer = _apply_output(self.output, raw)
        return answer[:, 0] if self.columns == 1 else answer

    def _raw(self, x: Matrix) -> Matrix:
        rows, trees = x.shape[0], self.roots.shape[0]
        plan = self._bitvector
        if plan is None:
            leaves, leaf_value = self._walk(_doubled(x, self.compare), rows), self.value
        else:
            # The plan answers with its own leaf slots; their values were gathered once, at load.
            leaves = plan.slots(np.asarray(x, dtype=self.compare), max(16, _BITVECTOR_WORDS // max(1, trees)))
            leaf_value = self._slot_value
        if leaf_value.shape[1] == 1:  # a 1-d take is faster than a one-column 2-d one
            values = leaf_value[:, 0].take(leaves)[:, None]
        else:
            values = leaf_value.take(leaves, axis=0)  # (trees * rows, width), tree-major
        out = np.zeros((rows, self.columns), dtype=np.float64)
        if self.tree_column is None:
            out += values.reshape(trees, rows, self.columns).sum(axis=0)
        else:
            per_tree = values.reshape(trees, rows)
            for column in range(self.columns):
                out[:, column] = per_tree[self.tree_column == column].sum(axis=0)
        return np.asarray(self.baseline + self.scale * out, dtype=np.float64)

    def _walk(self, doubled: npt.NDArray[np.floating[Any]], rows: int) -> Index:
        """The leaf each (tree, row) pair lands in, tree-major: consecutive pairs share a tree's nodes.

        Shallow trees (boosting's) take exactly ``depth`` steps, a finished pair idling on its leaf; deep
        ones (forests') drop finished pairs every few levels, as their leaves lie at very different depths.
        ``take`` writes into buffers reused across levels, in "clip" mode: ``_check`` has already made
        sure that every index it can meet is in range, and unbuffered takes are much faster.
        """
        trees, width = self.roots.shape[0], doubled.shape[1]
        flat = doubled.ravel()
        group = self._trees_per_walk
        leaves = np.empty(trees * rows, dtype=np.intp)
        for first in range(0, trees, group):
            roots = self.roots[first : first + group]
            pos = np.repeat(roots, rows)
            base = np.tile(np.arange(rows, dtype=np.intp) * width, roots.shape[0])
            depth = self._depth
            if depth is not None and depth <= _FIXED_STEPS_DEPTH:
                self._walk_fixed_steps(flat, pos, base, depth)
            else:
                self._walk_fixed_steps(flat, pos, base, _STEPS_BEFORE_DROPPING)
                pos = self._walk_dropping_leaves(flat, pos, base)
            leaves[first * rows : first * rows + pos.shape[0]] = pos
        return leaves

    @cached_property
    def _trees_per_walk(self) -> int:
        """Trees walked together: their node arrays (about 20 bytes a node) stay in the core's cache.

        Walking all 100 trees of a default forest at once touches 5.6 MB of nodes at every level, from
        the shared cache; a few trees at a time, over more rows, touch under 1 MB.
        """
        trees = max(1, self.roots.shape[0])
        per_tree = 20 * self.child.shape[0] / trees
        return int(min(trees, max(1, _WALK_NODE_BYTES // max(1.0, per_tree))))

    def _walk_fixed_steps(self, flat: npt.NDArray[np.floating[Any]], pos: Index, base: Index, steps: int) -> None:
        """``steps`` levels for every pair, in place in ``pos``."""
        column = np.empty_like(pos)
        values = np.empty(pos.shape[0], dtype=flat.dtype)
        threshold = np.empty(pos.shape[0], dtype=self.threshold.dtype)
        go_right = np.empty(pos.shape[0], dtype=bool)
        for _ in range(steps):
            np.add(self.feature.take(pos, mode="clip", out=column), base, out=column)
            flat.take(column, mode="clip", out=values)
            np.greater(values, self.threshold.take(pos, mode="clip", out=threshold), out=go_right)
            if self._categorical_lookup is not None:
                go_right = self._categorical_right(self._categorical_lookup, pos, values, go_right)
            self.child.take(pos, mode="clip", out=pos)
            np.add(pos, go_right, out=pos)

    def _walk_dropping_leaves(self, flat: npt.NDArray[np.floating[Any]], pos: Index, base: Index) -> Index:
        """Walk on, setting aside every few levels the pairs that stood still (a leaf is its own child)."""
        pair = np.arange(pos.shape[0], dtype=np.intp)
        leaf = np.empty(pos.shape[0], dtype=np.intp)
        categorical = self._categorical_lookup
        level = 0
        while pos.shape[0]:
            values = flat.take(base + self.feature.take(pos, mode="clip"), mode="clip")
            go_right = values > self.threshold.take(pos, mode="clip")
            if categorical is not None:
                go_right = self._categorical_right(categorical, pos, values, go_right)
            before, pos = pos, self.child.take(pos, mode="clip") + go_right
            level += 1
            if level % _COMPACT_EVERY == 0:
                # A pair that did not move was on its leaf; index arrays, not boolean masks (a mask is
                # searched again at every use, 10 ns a pair).
                done = pos == before
                finished = np.flatnonzero(done)
                leaf[pair.take(finished)] = pos.take(finished)
                keep = np.flatnonzero(~done)
                pos, base, pair = pos.take(keep), base.take(keep), pair.take(keep)
        return leaf

    @cached_property
    def _layout(self) -> Layout | None:
        """Each node's depth and tree, for forms small enough to need them (None for forests)."""
        return layout(self.child, self.roots, self._is_leaf)

    @cached_property
    def _depth(self) -> int | None:
        """The deepest leaf's depth (the root's is 0); None for a big form, whose walk drops finished pairs."""
        return None if self._layout is None else len(self._layout.splits)

    @cached_property
    def _bitvector(self) -> BitvectorPlan | None:
        """Shallow trees' leaf tables (``bitvector_trees``), or None where the node walk serves them."""
        if self._layout is None or (self.cat_node is not None and self.cat_node.shape[0] > 0):
            return None
        return plan(self.feature, self.threshold, self.child, self.n_features, self._is_leaf, self._layout)

    @cached_property
    def _slot_value(self) -> Matrix:
        """The leaf values in the bitvector plan's slot order (one contiguous column when width is 1)."""
        assert self._bitvector is not None
        return np.ascontiguousarray(self.value.take(self._bitvector.leaf_node, axis=0))

    @cached_property
    def _is_leaf(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.child == np.arange(self.child.shape[0]), dtype=bool)

    @cached_property
    def _categorical_lookup(self) -> Index | None:
        """Per node, its row in ``cat_bitset`` (-1 for numeric splits); None when there is none."""
        if self.cat_node is None or self.cat_node.shape[0] == 0:
            return None
        lookup = np.full(self.child.shape[0], -1, dtype=np.intp)
        lookup[self.cat_node] = np.arange(self.cat_node.shape[0])
        return lookup

    def _categorical_right(
        self, lookup: Index, pos: Index, values: npt.NDArray[np.floating[Any]], go_right: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.bool_]:
        """Replace the numeric answer of the pairs standing on a categorical split by the bitset's.

        ``values`` came from the half of the matrix the node's missing direction chose, so a missing value
        is ``+inf`` (goes right) or ``-inf`` (goes left): codes out of the bitset's range follow it too.
        """
        assert self.cat_bitset is not None
        row = lookup.take(pos)
        at = np.flatnonzero(row >= 0)
        if at.shape[0] == 0:
            return go_right
        code_value = values[at]
        bits = self.cat_bitset.shape[1] * 32
        in_range = (code_value >= 0) & (code_value < bits)
        code = np.where(in_range, code_value, 0).astype(np.intp)
        word = self.cat_bitset[row[at], code >> 5]
        in_set = ((word >> (code & 31).astype(np.uint32)) & 1).astype(bool)
        go_right = go_right.copy()
        go_right[at] = np.where(in_range, ~in_set, self._missing_right_of(pos[at]))
        return go_right

    def _missing_right_of(self, nodes: Index) -> npt.NDArray[np.bool_]:
        """Where a node sends missing values: the half of the matrix its feature index points into."""
        return np.asarray(self.feature.take(nodes) < self.n_features, dtype=bool)

    def to_json(self) -> dict[str, Any]:
        """The header: everything but the arrays (``to_arrays``), which may be too big for JSON."""
        return {
            "kind": self.kind,
            "n_features": int(self.n_features),
            "trees": int(self.roots.shape[0]),
            "nodes": int(self.child.shape[0]),
            "columns": self.columns,
            "scale": float(self.scale),
            "output": self.output,
            "compare": self.compare,
            **({"zero_as_missing": True} if self.zero_as_missing else {}),
        }

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The node arrays, in compact dtypes (``int32`` indices); none of them needs pickle to load."""
        arrays: dict[str, npt.NDArray[Any]] = {
            "feature": self.feature.astype(np.int32),
            "threshold": self.threshold,
            "child": self.child.astype(np.int32),
            "value": self.value,
            "roots": self.roots.astype(np.int32),
            "baseline": self.baseline,
        }
        if self.tree_column is not None:
            arrays["tree_column"] = self.tree_column.astype(np.int32)
        if self.cat_node is not None and self.cat_bitset is not None:
            arrays["cat_node"] = self.cat_node.astype(np.int32)
            arrays["cat_bitset"] = self.cat_bitset
        return arrays

    def to_inline_json(self) -> dict[str, Any]:
        """Header and arrays in one JSON object, for small models (and ``form_from_json`` alone)."""
        return {**self.to_json(), **{name: array.tolist() for name, array in self.to_arrays().items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any], arrays: dict[str, Any] | None = None) -> NodeTreesForm:
        """Rebuild from the header and the arrays (or, without ``arrays``, the lists inlined in ``data``)."""
        source: dict[str, Any] = data if arrays is None else arrays
        compare = _compare(data["compare"])

        def read(name: str, dtype: Any) -> Any:
            return None if name not in source else np.asarray(source[name], dtype=dtype)

        form = cls(
            n_features=int(data["n_features"]),
            feature=read("feature", np.intp),
            threshold=read("threshold", compare),
            child=read("child", np.intp),
            value=np.atleast_2d(read("value", np.float64).T).T,
            roots=read("roots", np.intp),
            baseline=read("baseline", np.float64),
            scale=float(data["scale"]),
            output=_output(data["output"]),
            tree_column=read("tree_column", np.intp),
            compare=compare,
            cat_node=read("cat_node", np.intp),
            cat_bitset=read("cat_bitset", np.uint32),
            zero_as_missing=data.get("zero_as_missing", False) is True,
        )
        _check(form)
        form._bitvector  # noqa: B018  (the evaluation route is chosen, and its tables built, at load)
        return form


def _check(form: NodeTreesForm) -> None:
    """Refuse arrays that would make the walk read out of bounds or never reach a leaf."""
    nodes = form.child.shape[0]
    if not (form.feature.shape == form.threshold.shape == (nodes,)) or form.value.shape[0] != nodes:
        raise ValueError("tree node arrays differ in length")
    if nodes and (form.feature.min() < 0 or form.feature.max() >= 2 * form.n_features):
        raise ValueError("a tree node reads a feature the model does not have")
    # A split's children come after it (so every walk ends), a leaf points at itself, and no split points
    # its right child past the end: the last node is the only one whose child is the last index.
    if nodes and (
        np.any(form.child < np.arange(nodes))
        or form.child[-1] != nodes - 1
        or np.count_nonzero(form.child == nodes - 1) != 1
    ):
        raise ValueError("a tree node's children must come after it, within the arrays")
    if form.roots.shape[0] and (form.roots.min() < 0 or form.roots.max() >= nodes):
        raise ValueError("a tree root is not a node")
    if form.tree_column is None and form.value.shape[1] != form.columns:
        raise ValueError("leaf values must have one column per output column")
    if form.tree_column is not None and (
        form.value.shape[1] != 1
        or form.tree_column.shape != form.roots.shape
        or (form.tree_column.shape[0] and (form.tree_column.min() < 0 or form.tree_column.max() >= form.columns))
    ):
        raise ValueError("tree_column must give each tree an output column")


def _doubled(x: Matrix, compare: CompareDtype) -> npt.NDArray[np.floating[Any]]:
    """``[x with NaN as +inf | x with NaN as -inf]`` in the compare dtype (C order, one row per input row)."""
    cast = np.asarray(x, dtype=compare)
    missing = np.isnan(cast)
    return np.concatenate([np.where(missing, np.inf, cast), np.where(missing, -np.inf, cast)], axis=1).astype(
        compare, copy=False
    )


def _apply_output(output: Output, raw: Matrix) -> Matrix:
    if output == "identity":
        return raw
    if output == "logit":
        ez = np.exp(-np.abs(raw))
        return np.asarray(np.where(raw >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez)), dtype=np.float64)
    shifted = np.exp(raw - raw.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float64)


def _output(value: object) -> Output:
    if value == "identity" or value == "logit" or value == "softmax":
        return value
    raise ValueError(f"unknown tree output {value!r}")


def _compare(value: object) -> CompareDtype:
    if value == "float32" or value == "float64":
        return value
    raise ValueError(f"unknown compare dtype {value!r}")

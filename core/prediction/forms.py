"""The served forms of the models: plain arrays evaluated with numpy, written as JSON, never pickled.

Serving must not import scikit-learn (its import alone costs about a second) nor unpickle anything, so
training turns each estimator into one of these forms; serving reads it back with ``form_from_json``.
Every form maps a float64 feature matrix (NaN for a missing value) to the model's answer: shape (n,) for
regressions (the value) and binary classifiers (the probability of ``classes[1]``), (n, k) for multiclass
classifiers (the probabilities in ``classes`` order). A form whose arrays are too big for JSON also offers
``to_arrays() -> dict[str, ndarray]``; the artifact writer stores them in an ``.npz`` beside the JSON and
the reader gets them back (loaded with ``allow_pickle=False``) as the second argument of ``from_json``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from core.prediction.node_trees import NodeTreesForm

Matrix = npt.NDArray[np.float64]
Vector = npt.NDArray[np.float64]


class Form(Protocol):
    @property
    def kind(self) -> str: ...

    def evaluate(self, x: Matrix) -> npt.NDArray[np.float64]: ...

    def to_json(self) -> dict[str, Any]: ...


Link = Literal["identity", "logit"]
"""How a form's raw score becomes its answer: as it is (a regression's value), or through the logistic
function (a classifier's probability of the positive class). Shared by every form, so each form computes
a raw score and nothing else."""


@dataclass(frozen=True)
class LinearForm:
    """``link(intercept + x @ coef)``: least squares with the identity link, logistic regression with the logit.

    Its JSON keeps the names artifacts have always had (``"kind": "linear"`` or ``"logistic"``) rather than
    a separate ``link`` key, so the committed artifacts stay byte for byte what training writes.
    """

    intercept: float
    coef: Vector
    link: Link = "identity"

    @property
    def kind(self) -> str:
        return _LINEAR_KIND[self.link]

    def evaluate(self, x: Matrix) -> Vector:
        return apply_link(self.link, _dot(x, self.coef) + self.intercept)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "intercept": float(self.intercept), "coef": [float(c) for c in self.coef]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearForm:
        link = next((link for link, kind in _LINEAR_KIND.items() if kind == data["kind"]), None)
        if link is None:
            raise ValueError(f"not a linear form: {data['kind']!r}")
        return cls(float(data["intercept"]), np.asarray(data["coef"], dtype=np.float64), link)


_LINEAR_KIND: dict[Link, str] = {"identity": "linear", "logit": "logistic"}
"""The serialised name of a linear form by its link."""


@dataclass(frozen=True)
class TreeEnsembleForm:
    """Binary trees stored as complete trees of one depth, walked for every row and every tree at once.

    Each tree is laid out in heap order (the children of node ``i`` are ``2i+1`` and ``2i+2``): a leaf
    higher up is pushed down by splits that always go left (threshold ``+inf``) onto copies of its
    value. Walking then needs no child tables: ``node = 2 * node + 1 + (x[feature] > threshold)``,
    scikit-learn's rule (``x <= threshold`` goes left). The raw score is ``baseline + sum(leaf values)``;
    with ``link="logit"`` the answer is its logistic function.
    """

    baseline: float
    depth: int
    feature: npt.NDArray[np.intp]
    """(trees, 2**depth - 1): the feature each split reads."""
    threshold: Matrix
    """(trees, 2**depth - 1): go right when the value is greater."""
    leaf: Matrix
    """(trees, 2**depth): the leaf values."""
    link: Link = "logit"

    @property
    def kind(self) -> str:
        return "tree_ensemble"

    def evaluate(self, x: Matrix) -> Vector:
        out = np.empty(x.shape[0], dtype=np.float64)
        for start in range(0, x.shape[0], _CHUNK_ROWS):
            out[start : start + _CHUNK_ROWS] = self._raw(x[start : start + _CHUNK_ROWS])
        return apply_link(self.link, out)

    def _raw(self, x: Matrix) -> Vector:
        trees, splits = self.feature.shape
        features = self.feature.ravel()
        thresholds = self.threshold.ravel()
        values = np.ascontiguousarray(x, dtype=np.float64).ravel()
        row_start = (np.arange(x.shape[0]) * x.shape[1])[:, None]
        tree_start = np.arange(trees) * splits
        node = np.zeros((x.shape[0], trees), dtype=np.intp)
        for _ in range(self.depth):
            at = node + tree_start
            go_right = values.take(row_start + features.take(at)) > thresholds.take(at)
            node = 2 * node + 1 + go_right
        leaves = self.leaf.ravel().take(node - splits + np.arange(trees) * (splits + 1))
        return np.asarray(self.baseline + leaves.sum(axis=1), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "link": self.link,
            "baseline": float(self.baseline),
            "depth": int(self.depth),
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "leaf": self.leaf.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeEnsembleForm:
        depth = int(data["depth"])
        feature = np.asarray(data["feature"], dtype=np.intp)
        threshold = np.asarray(data["threshold"], dtype=np.float64)
        leaf = np.asarray(data["leaf"], dtype=np.float64)
        if feature.shape != threshold.shape or feature.shape[1] != 2**depth - 1 or leaf.shape[1] != 2**depth:
            raise ValueError("tree arrays do not match the declared depth")
        return cls(float(data["baseline"]), depth, feature, threshold, leaf, _link(data["link"]))


_CHUNK_ROWS = 2048
"""Rows walked at once: big enough to amortize numpy's per-call cost, small enough to stay in cache."""


def _dot(x: Matrix, coef: Vector) -> Vector:
    """Row-wise dot product summed in a fixed order, so a row's answer is bit-identical whatever the batch.

    ``x @ coef`` hands the work to BLAS, whose blocking depends on the number of rows: the same row
    could then get a different last digit alone than in a batch.
    """
    return np.asarray((x * coef).sum(axis=1), dtype=np.float64)


def _sigmoid(z: Vector) -> Vector:
    """The logistic function, written so that neither tail overflows: ``exp`` only ever sees ``-|z|``.

    Both branches are computed and one is picked, rather than each computed on its masked half: the same
    bits, and three times faster on a 100k-row batch (masked indexing copies both halves twice).
    """
    z = np.asarray(z, dtype=np.float64)
    ez = np.exp(-np.abs(z))
    return np.asarray(np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez)), dtype=np.float64)


def apply_link(link: Link, raw: Vector) -> Vector:
    """A form's answer from its raw score."""
    return _sigmoid(raw) if link == "logit" else raw


def _link(value: object) -> Link:
    """A link read from JSON; ``ValueError`` for one this version does not know."""
    if value == "identity" or value == "logit":
        return value
    raise ValueError(f"unknown link {value!r}")


@dataclass(frozen=True)
class SoftmaxForm:
    """A multinomial logistic regression: ``softmax(intercept + x @ coef.T)``, one column per class.

    The scores are shifted by their row maximum before ``exp``, as scikit-learn does, so no score overflows.
    """

    intercept: Vector
    coef: Matrix
    """(classes, features)."""

    @property
    def kind(self) -> str:
        return "softmax"

    def evaluate(self, x: Matrix) -> Matrix:
        scores = np.stack([_dot(x, row) + b for row, b in zip(self.coef, self.intercept, strict=True)], axis=1)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return np.asarray(scores / scores.sum(axis=1, keepdims=True), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "intercept": self.intercept.tolist(), "coef": self.coef.tolist()}

    @classmethod
    def from_json(cls, data: dict[str, Any], arrays: Arrays | None = None) -> SoftmaxForm:
        coef = np.asarray(data["coef"], dtype=np.float64)
        intercept = np.asarray(data["intercept"], dtype=np.float64)
        if coef.ndim != 2 or intercept.shape != (coef.shape[0],):
            raise ValueError("softmax arrays do not match")
        return cls(intercept, coef)


Arrays = Mapping[str, npt.NDArray[Any]]
"""A form's big arrays by name, as ``to_arrays`` gives them and the ``.npz`` holds them."""

Reader = Callable[[dict[str, Any], Arrays], Form]
"""Rebuilds one kind of form from its JSON and its arrays (empty when it has none)."""


def _without_arrays(read: Callable[[dict[str, Any]], Form]) -> Reader:
    return lambda data, arrays: read(data)


def _node_trees(data: dict[str, Any], arrays: Arrays) -> Form:
    return NodeTreesForm.from_json(data, dict(arrays) or None)  # no arrays: a small model inlines them


def _pipeline(data: dict[str, Any], arrays: Arrays) -> Form:
    from core.prediction.pipeline import PipelineForm  # it reads its estimator's form back through this table

    return PipelineForm.from_json(data, arrays)


_READERS: dict[str, Reader] = {
    **dict.fromkeys(_LINEAR_KIND.values(), _without_arrays(LinearForm.from_json)),
    "tree_ensemble": _without_arrays(TreeEnsembleForm.from_json),
    "tree_nodes": _node_trees,
    "softmax": SoftmaxForm.from_json,
    "pipeline": _pipeline,
}


def form_from_json(data: dict[str, Any], arrays: Arrays | None = None) -> Form:
    """Rebuild a served form from its JSON (and its arrays); ``ValueError`` for a kind this version cannot read."""
    kind = data.get("kind")
    if kind not in _READERS:
        raise ValueError(f"unknown model form {kind!r}")
    return _READERS[str(kind)](data, arrays or {})


def form_arrays(form: Form) -> dict[str, npt.NDArray[Any]]:
    """The arrays a form keeps outside its JSON (none for most forms)."""
    to_arrays = getattr(form, "to_arrays", None)
    return dict(to_arrays()) if callable(to_arrays) else {}

"""The served forms of the models: plain arrays evaluated with numpy, written as JSON, never pickled.

Serving must not import scikit-learn (its import alone costs about a second) nor unpickle anything, so
training turns each estimator into one of these forms; serving reads it back with ``form_from_json``.
Every form maps a feature matrix to the model's raw answer: the probability of the positive class for
classifiers, the value for regressions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
Vector = npt.NDArray[np.float64]


class Form(Protocol):
    @property
    def kind(self) -> str: ...

    def evaluate(self, x: Matrix) -> Vector: ...

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class LinearForm:
    """``intercept + x @ coef``: an ordinary least-squares regression."""

    intercept: float
    coef: Vector
    kind: str = "linear"

    def evaluate(self, x: Matrix) -> Vector:
        return _dot(x, self.coef) + self.intercept

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "intercept": float(self.intercept), "coef": [float(c) for c in self.coef]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearForm:
        return cls(float(data["intercept"]), np.asarray(data["coef"], dtype=np.float64))


@dataclass(frozen=True)
class LogisticForm:
    """The logistic function of a linear predictor: the probability of the positive class."""

    intercept: float
    coef: Vector
    kind: str = "logistic"

    def evaluate(self, x: Matrix) -> Vector:
        return _sigmoid(_dot(x, self.coef) + self.intercept)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "intercept": float(self.intercept), "coef": [float(c) for c in self.coef]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LogisticForm:
        return cls(float(data["intercept"]), np.asarray(data["coef"], dtype=np.float64))


@dataclass(frozen=True)
class TreeEnsembleForm:
    """Binary trees flattened into one node table, walked for every row and every tree at once.

    Leaves point at themselves, so walking ``depth`` steps from each root lands every row on its leaf
    whatever the tree's own depth. A row goes left when ``x[feature] <= threshold`` (scikit-learn's
    rule for numeric splits). The raw score is ``baseline + sum(leaf values)``; with ``link="logit"``
    the answer is its logistic function.
    """

    baseline: float
    roots: npt.NDArray[np.int64]
    feature: npt.NDArray[np.int64]
    threshold: Vector
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    value: Vector
    depth: int
    link: str = "logit"
    kind: str = "tree_ensemble"

    def evaluate(self, x: Matrix) -> Vector:
        rows = np.arange(x.shape[0])[:, None]
        nodes = np.broadcast_to(self.roots, (x.shape[0], self.roots.size))
        for _ in range(self.depth):
            go_left = x[rows, self.feature[nodes]] <= self.threshold[nodes]
            nodes = np.where(go_left, self.left[nodes], self.right[nodes])
        raw = self.baseline + self.value[nodes].sum(axis=1)
        return _sigmoid(raw) if self.link == "logit" else np.asarray(raw, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "link": self.link,
            "baseline": float(self.baseline),
            "depth": int(self.depth),
            "roots": self.roots.tolist(),
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": self.value.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeEnsembleForm:
        def ints(key: str) -> npt.NDArray[np.int64]:
            return np.asarray(data[key], dtype=np.int64)

        return cls(
            baseline=float(data["baseline"]),
            roots=ints("roots"),
            feature=ints("feature"),
            threshold=np.asarray(data["threshold"], dtype=np.float64),
            left=ints("left"),
            right=ints("right"),
            value=np.asarray(data["value"], dtype=np.float64),
            depth=int(data["depth"]),
            link=str(data["link"]),
        )


def _dot(x: Matrix, coef: Vector) -> Vector:
    """Row-wise dot product summed in a fixed order, so a row's answer is bit-identical whatever the batch.

    ``x @ coef`` hands the work to BLAS, whose blocking depends on the number of rows: the same row
    could then get a different last digit alone than in a batch.
    """
    return np.asarray((x * coef).sum(axis=1), dtype=np.float64)


def _sigmoid(z: Vector) -> Vector:
    """The logistic function, written so that neither tail overflows."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


_READERS: dict[str, Callable[[dict[str, Any]], Form]] = {
    "linear": LinearForm.from_json,
    "logistic": LogisticForm.from_json,
    "tree_ensemble": TreeEnsembleForm.from_json,
}


def form_from_json(data: dict[str, Any]) -> Form:
    """Rebuild a served form from its JSON; ``ValueError`` for a kind this version cannot read."""
    kind = data.get("kind")
    if kind not in _READERS:
        raise ValueError(f"unknown model form {kind!r}")
    return _READERS[str(kind)](data)

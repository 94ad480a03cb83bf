"""The served form of an imported pipeline: preprocessing steps on a float matrix, then an estimator's form.

What a client sends is already a float matrix here (``core.prediction.features`` turns a categorical value
into its code in the feature's categories, an unknown one into -1, a missing one into NaN), so every step
is a few numpy operations: scaling, imputing, looking a code (or a number) up in an encoder's table, and
picking columns as a ``ColumnTransformer`` does. The steps reproduce scikit-learn's own operations in its
order, so that the answers agree to the last few bits; the import checks that they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from core.prediction.forms import Arrays, Form, Matrix, form_arrays, form_from_json

ESTIMATOR_PREFIX = "estimator."
"""The estimator's arrays sit in the pipeline's ``.npz`` under this prefix."""


class Step(Protocol):
    def apply(self, x: Matrix) -> Matrix: ...

    def to_json(self) -> dict[str, Any]: ...


def _floats(values: Any) -> npt.NDArray[np.float64]:
    """A JSON list of numbers, where ``null`` stands for NaN (JSON has no NaN)."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _json_floats(values: npt.NDArray[np.float64]) -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in values]


@dataclass(frozen=True)
class Standardize:
    """``(x - center) / scale``: StandardScaler, RobustScaler, MaxAbsScaler (center 0)."""

    center: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]

    def apply(self, x: Matrix) -> Matrix:
        return (x - self.center) / self.scale

    def to_json(self) -> dict[str, Any]:
        return {"op": "standardize", "center": self.center.tolist(), "scale": self.scale.tolist()}


@dataclass(frozen=True)
class MultiplyAdd:
    """``x * mul + add``: MinMaxScaler, in its own order of operations."""

    mul: npt.NDArray[np.float64]
    add: npt.NDArray[np.float64]

    def apply(self, x: Matrix) -> Matrix:
        return x * self.mul + self.add

    def to_json(self) -> dict[str, Any]:
        return {"op": "multiply_add", "mul": self.mul.tolist(), "add": self.add.tolist()}


@dataclass(frozen=True)
class Impute:
    """A missing value (NaN) becomes its column's fill value; columns ``keep`` lists stay (SimpleImputer drops
    the columns it saw no value in)."""

    fill: npt.NDArray[np.float64]
    keep: tuple[int, ...]

    def apply(self, x: Matrix) -> Matrix:
        x = np.where(np.isnan(x), self.fill, x)
        return x if len(self.keep) == x.shape[1] else x[:, list(self.keep)]

    def to_json(self) -> dict[str, Any]:
        return {"op": "impute", "fill": _json_floats(self.fill), "keep": list(self.keep)}


@dataclass(frozen=True)
class Lookup:
    """An encoder, column by column: a value found in ``values[j]`` gives that row of ``tables[j]``, any other
    value (an unknown category, -1, or a missing one the encoder has no category for) its last row.

    One-hot encoding is a table of 0/1 rows (infrequent categories and ``drop`` already folded in), ordinal
    encoding a table of one column; both were read from the fitted encoder at import.
    """

    values: tuple[npt.NDArray[np.float64], ...]
    """Per column: the known values (category codes, or numbers), sorted, NaN last when missing is a category."""
    tables: tuple[npt.NDArray[np.float64], ...]
    """Per column: (len(values) + 1, outputs), the last row for a value not in ``values``."""

    def apply(self, x: Matrix) -> Matrix:
        parts = []
        for j, (values, table) in enumerate(zip(self.values, self.tables, strict=True)):
            column = x[:, j]
            at = np.minimum(np.searchsorted(values, column), len(values) - 1) if len(values) else None
            if at is None:
                found = np.zeros(len(column), dtype=bool)
                at = np.zeros(len(column), dtype=np.intp)
            else:
                known = values[at]
                found = (known == column) | (np.isnan(known) & np.isnan(column))
            parts.append(table[np.where(found, at, len(values))])
        return np.hstack(parts) if parts else np.empty((x.shape[0], 0))

    def to_json(self) -> dict[str, Any]:
        return {
            "op": "lookup",
            "values": [_json_floats(v) for v in self.values],
            "tables": [t.tolist() for t in self.tables],
        }


@dataclass(frozen=True)
class Columns:
    """A ColumnTransformer: each part's steps on its columns, side by side, then the passed-through columns."""

    parts: tuple[tuple[tuple[int, ...], tuple[Step, ...]], ...]
    remainder: tuple[int, ...]

    def apply(self, x: Matrix) -> Matrix:
        outputs = [run_steps(steps, x[:, list(columns)]) for columns, steps in self.parts]
        outputs.append(x[:, list(self.remainder)])
        return np.hstack(outputs)

    def to_json(self) -> dict[str, Any]:
        parts = [{"columns": list(c), "steps": [s.to_json() for s in steps]} for c, steps in self.parts]
        return {"op": "columns", "parts": parts, "remainder": list(self.remainder)}


def run_steps(steps: tuple[Step, ...], x: Matrix) -> Matrix:
    for step in steps:
        x = step.apply(x)
    return x


def step_from_json(data: dict[str, Any]) -> Step:
    """One step back from its JSON; ``ValueError`` for an operation this version does not know."""
    op = data.get("op")
    if op == "standardize":
        return Standardize(_floats(data["center"]), _floats(data["scale"]))
    if op == "multiply_add":
        return MultiplyAdd(_floats(data["mul"]), _floats(data["add"]))
    if op == "impute":
        return Impute(_floats(data["fill"]), tuple(int(i) for i in data["keep"]))
    if op == "lookup":
        values = tuple(_floats(v) for v in data["values"])
        tables = tuple(np.asarray(t, dtype=np.float64) for t in data["tables"])
        if any(t.ndim != 2 or t.shape[0] != len(v) + 1 for v, t in zip(values, tables, strict=True)):
            raise ValueError("a lookup table does not match its values")
        return Lookup(values, tables)
    if op == "columns":
        parts = tuple(
            (tuple(int(i) for i in p["columns"]), tuple(step_from_json(s) for s in p["steps"])) for p in data["parts"]
        )
        return Columns(parts, tuple(int(i) for i in data["remainder"]))
    raise ValueError(f"unknown pipeline step {op!r}")


@dataclass(frozen=True)
class PipelineForm:
    """Preprocessing steps, then the estimator's form on the numeric matrix they make."""

    steps: tuple[Step, ...]
    estimator: Form

    @property
    def kind(self) -> str:
        return "pipeline"

    def evaluate(self, x: Matrix) -> npt.NDArray[np.float64]:
        return self.estimator.evaluate(np.ascontiguousarray(run_steps(self.steps, x), dtype=np.float64))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "steps": [s.to_json() for s in self.steps], "estimator": self.estimator.to_json()}

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {ESTIMATOR_PREFIX + k: v for k, v in form_arrays(self.estimator).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any], arrays: Arrays) -> PipelineForm:
        inner = {k[len(ESTIMATOR_PREFIX) :]: v for k, v in arrays.items() if k.startswith(ESTIMATOR_PREFIX)}
        return cls(tuple(step_from_json(s) for s in data["steps"]), form_from_json(data["estimator"], inner))

"""Reads what the user brings: the fitted estimator (unpickled: trusted files only) and the sample CSV.

This is the one place in the project that unpickles. The sample is read with the standard library (a
value is a number if it parses as one, an empty field is missing, anything else a category string), and
handed to the estimator as a DataFrame when it was fitted on one (pandas, import side only), else as an array.
"""

from __future__ import annotations

import csv
import importlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


def load_estimator(path: Path) -> Any:
    """The object in a joblib or pickle file. Unpickling runs code from the file: trusted files only."""
    joblib: Any = importlib.import_module("joblib")  # scikit-learn's own dependency; import side only
    return joblib.load(path)


@dataclass(frozen=True)
class Sample:
    names: list[str]
    """The model's input columns, in the estimator's order."""
    columns: dict[str, list[Any]]
    """Per column: floats (NaN for missing), or strings (None for missing) for a column of categories."""
    text: frozenset[str]
    """The columns that hold category strings."""

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()), []))

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as a client sends it in JSON: numbers, strings, ``None`` for missing."""
        return {n: _json(self.columns[n][i]) for n in self.names}

    def matrix(self, rows: list[dict[str, Any]] | None = None) -> Any:
        """The rows (default: every sample row) as the library reads them: an object array if any column is
        text, else float64; missing is NaN."""
        rows = rows if rows is not None else [self.row(i) for i in range(self.rows)]
        text = bool(self.text)
        values = [[_library(r[n], text) for n in self.names] for r in rows]
        return np.array(values, dtype=object if text else np.float64)


def _json(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _library(value: Any, text: bool) -> Any:
    if value is None:
        return np.nan
    return value if isinstance(value, str) or not text else float(value)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_sample(path: Path, names: list[str] | None) -> Sample:
    """The sample's columns ``names`` (the estimator's ``feature_names_in_``; default: the whole header)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        records = list(csv.reader(handle))
    if not records or not any(records[0]):
        raise ValueError(f"{path.name} has no header row")
    header, body = [h.strip() for h in records[0]], [r for r in records[1:] if r]
    if not body:
        raise ValueError(f"{path.name} has no rows")
    names = names if names is not None else header
    absent = [n for n in names if n not in header]
    if absent:
        raise ValueError(f"{path.name} lacks the estimator's input columns: {', '.join(absent)}")
    columns: dict[str, list[Any]] = {}
    text = set()
    for name in names:
        raw = [r[header.index(name)] if header.index(name) < len(r) else "" for r in body]
        numbers = [_number(v) for v in raw]
        if all(n is not None or not v.strip() for n, v in zip(numbers, raw, strict=True)):
            columns[name] = [math.nan if n is None else n for n in numbers]
        else:
            columns[name] = [v if v != "" else None for v in raw]
            text.add(name)
    return Sample(list(names), columns, frozenset(text))


def framed(estimator: Any, matrix: Any, names: list[str]) -> Any:
    """``matrix`` as a DataFrame if the estimator was fitted on one (it may select columns by name)."""
    if getattr(estimator, "feature_names_in_", None) is None:
        return matrix
    pd: Any = importlib.import_module("pandas")  # import side only, fitted on a DataFrame: names select columns

    return pd.DataFrame(matrix, columns=names)

"""Walks a fitted ``Pipeline`` / ``ColumnTransformer`` into a ``PipelineForm``: steps, then the estimator's form.

Every column of the matrix between steps is tracked (``Column``): whether it still is an input column (so an
encoder can learn that input's categories) and whether its values are category codes. A category's strings
become codes here (``Categories``): the served input layer sends the same codes, so every step is numeric.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.prediction.forms import Form
from core.prediction.importing.table_types import Converter, class_path
from core.prediction.pipeline import Columns, Step


@dataclass(frozen=True)
class Column:
    source: int | None
    """The input column this still is (raw or imputed), or None for a derived value."""
    text: bool = False
    """Whether its values are category codes (the input held strings)."""


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass
class Categories:
    """Per input column that holds strings: its categories in code order (a code is an index here)."""

    text_columns: frozenset[int]
    known: dict[int, list[str]] = field(default_factory=dict)
    numbers: dict[int, list[float]] = field(default_factory=dict)
    """Per numeric input column an encoder reads: the numbers it knows."""

    def code(self, column: int, value: Any) -> float:
        """The code of ``value`` in the input column ``column`` (NaN for a missing value), assigned on first use."""
        if is_missing(value):
            return float("nan")
        values = self.known.setdefault(column, [])
        if str(value) not in values:
            values.append(str(value))
        return float(values.index(str(value)))


StepConverter = Callable[[Any, list[Column], Categories], tuple[Step, list[Column]]]
"""A fitted transformer and the columns it reads -> its step and the columns it writes."""


class Unsupported(ValueError):
    """A class the import cannot serve; ``path`` is its public class path."""

    def __init__(self, path: str, where: str = "") -> None:
        super().__init__(path)
        self.path = path
        self.where = where


def walk(
    obj: Any,
    columns: list[Column],
    categories: Categories,
    transformers: dict[str, StepConverter],
    converters: dict[str, Converter],
) -> tuple[list[Step], Form]:
    """The steps and the estimator's form of a fitted estimator or pipeline reading ``columns``."""
    path = class_path(obj)
    if path == "sklearn.pipeline.Pipeline":
        steps: list[Step] = []
        for _name, step in obj.steps[:-1]:
            new, columns = _transform(step, columns, categories, transformers)
            steps.extend(new)
        inner, form = walk(obj.steps[-1][1], columns, categories, transformers, converters)
        return steps + inner, form
    if path not in converters:
        raise Unsupported(path, "estimator")
    if any(c.text for c in columns):
        raise ValueError(f"{path} would receive category strings: encode them first (OneHotEncoder, OrdinalEncoder)")
    return [], converters[path](obj)


def _transform(
    obj: Any, columns: list[Column], categories: Categories, transformers: dict[str, StepConverter]
) -> tuple[list[Step], list[Column]]:
    """The steps of one transformer (a pipeline of transformers, a ColumnTransformer, or a table entry)."""
    if obj is None or obj == "passthrough":
        return [], columns
    path = class_path(obj)
    if path == "sklearn.preprocessing.FunctionTransformer" and obj.func is None:
        return [], columns  # the identity: how a fitted ColumnTransformer passes its remainder through
    if path == "sklearn.pipeline.Pipeline":
        steps: list[Step] = []
        for _name, step in obj.steps:
            new, columns = _transform(step, columns, categories, transformers)
            steps.extend(new)
        return steps, columns
    if path == "sklearn.compose.ColumnTransformer":
        return _column_transformer(obj, columns, categories, transformers)
    if path not in transformers:
        raise Unsupported(path, "transformer")
    step, written = transformers[path](obj, columns, categories)
    return [step], written


def _column_transformer(
    obj: Any, columns: list[Column], categories: Categories, transformers: dict[str, StepConverter]
) -> tuple[list[Step], list[Column]]:
    """Each part on its columns, in ``transformers_`` order (the remainder last, as scikit-learn writes it)."""
    parts: list[tuple[tuple[int, ...], tuple[Step, ...]]] = []
    written: list[Column] = []
    names = list(getattr(obj, "feature_names_in_", []))
    for _name, transformer, selection in obj.transformers_:
        if transformer == "drop":
            continue
        indices = _indices(selection, len(columns), names)
        if not indices:
            continue
        steps, out = _transform(transformer, [columns[i] for i in indices], categories, transformers)
        parts.append((tuple(indices), tuple(steps)))
        written.extend(out)
    return [Columns(tuple(parts), ())], written


def _indices(selection: Any, width: int, names: list[str]) -> list[int]:
    """A ColumnTransformer's column selection (names, indices, a slice, a boolean mask) as indices."""
    if isinstance(selection, slice):
        return list(range(width))[selection]
    if isinstance(selection, str | int):
        selection = [selection]
    chosen = list(np.asarray(selection).tolist()) if not isinstance(selection, list) else selection
    if chosen and all(isinstance(c, bool) for c in chosen):
        return [i for i, keep in enumerate(chosen) if keep]
    return [names.index(c) if isinstance(c, str) else int(c) for c in chosen]

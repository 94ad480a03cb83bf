"""Converters of the preprocessing steps: scalers, ``SimpleImputer``, ``OneHotEncoder``, ``OrdinalEncoder``.

Scalers and the imputer read public fitted attributes (``mean_``, ``scale_``, ``statistics_``...). An encoder's
table is read from the encoder itself: its ``transform`` of every known category and of one unknown value,
so ``drop``, infrequent categories, ``unknown_value`` and a missing category come out as the library
computes them, with no second implementation of its rules.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np

from core.prediction.importing.walk import Categories, Column, StepConverter, is_missing
from core.prediction.pipeline import Impute, Lookup, MultiplyAdd, Standardize, Step

UNSEEN = "\x00unseen category"
"""A string no encoder was fitted on: how the table's row for an unknown value is read."""


def _numeric(columns: list[Column], what: str) -> None:
    if any(c.text for c in columns):
        raise ValueError(f"{what} would receive category strings: encode them first")


def _array(value: Any, width: int, default: float) -> np.ndarray[Any, np.dtype[np.float64]]:
    if value is None:
        return np.full(width, default)
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (width,)).copy()


def standard_scaler(obj: Any, columns: list[Column], categories: Categories) -> tuple[Step, list[Column]]:
    _numeric(columns, "StandardScaler")
    center = _array(obj.mean_ if obj.with_mean else None, len(columns), 0.0)
    return Standardize(center, _array(obj.scale_, len(columns), 1.0)), [Column(None)] * len(columns)


def robust_scaler(obj: Any, columns: list[Column], categories: Categories) -> tuple[Step, list[Column]]:
    _numeric(columns, "RobustScaler")
    center = _array(obj.center_ if obj.with_centering else None, len(columns), 0.0)
    scale = _array(obj.scale_ if obj.with_scaling else None, len(columns), 1.0)
    return Standardize(center, scale), [Column(None)] * len(columns)


def max_abs_scaler(obj: Any, columns: list[Column], categories: Categories) -> tuple[Step, list[Column]]:
    _numeric(columns, "MaxAbsScaler")
    return Standardize(np.zeros(len(columns)), _array(obj.scale_, len(columns), 1.0)), [Column(None)] * len(columns)


def min_max_scaler(obj: Any, columns: list[Column], categories: Categories) -> tuple[Step, list[Column]]:
    _numeric(columns, "MinMaxScaler")
    if getattr(obj, "clip", False):
        raise ValueError("MinMaxScaler(clip=True) is not supported")
    return MultiplyAdd(_array(obj.scale_, len(columns), 1.0), _array(obj.min_, len(columns), 0.0)), [
        Column(None)
    ] * len(columns)


def simple_imputer(obj: Any, columns: list[Column], categories: Categories) -> tuple[Step, list[Column]]:
    """Missing values (NaN) become the fitted statistic; a category's fill value becomes its code."""
    if not is_missing(obj.missing_values):
        raise ValueError(f"SimpleImputer(missing_values={obj.missing_values!r}) is not supported: only NaN/None")
    if obj.add_indicator:
        raise ValueError("SimpleImputer(add_indicator=True) is not supported")
    fill, keep = [], []
    for k, (column, statistic) in enumerate(zip(columns, obj.statistics_, strict=True)):
        if isinstance(statistic, float) and statistic != statistic:
            fill.append(float("nan"))  # a column never seen with a value: scikit-learn drops it
            continue
        keep.append(k)
        if column.text and column.source is not None:
            fill.append(categories.code(column.source, statistic))
        elif column.text:
            raise ValueError("SimpleImputer reads category strings that are not an input column")
        else:
            fill.append(float(statistic))
    return Impute(np.asarray(fill), tuple(keep)), [columns[k] for k in keep]


def _probe(obj: Any, columns: list[Column], categories: Categories, unknown: bool) -> Any:
    """Rows for the encoder's own ``transform``: row r holds each column's r-th category, then an unseen value."""
    known = list(obj.categories_)
    rows = max(len(c) for c in known) + 1
    text = any(c.text for c in columns)
    probe = np.empty((rows, len(known)), dtype=object if text else np.float64)
    for j, values in enumerate(known):
        unseen: Any = UNSEEN if columns[j].text else _unseen_number(values)
        for r in range(rows):
            probe[r, j] = values[r] if r < len(values) else (unseen if unknown and r == len(values) else values[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = obj.transform(_framed(obj, probe))
    return np.asarray(out.toarray() if hasattr(out, "toarray") else out, dtype=np.float64)


def _framed(obj: Any, probe: Any) -> Any:
    """The probe as a DataFrame when the encoder was fitted on one (column names), else the array."""
    names = getattr(obj, "feature_names_in_", None)
    if names is None:
        return probe
    pd: Any = importlib.import_module("pandas")  # import side only, fitted on a DataFrame: names select columns

    return pd.DataFrame(probe, columns=list(names))


def _unseen_number(values: Any) -> float:
    finite = [float(v) for v in values if not is_missing(v)]
    return max(finite, default=0.0) + 1.0


def _lookup(
    obj: Any, columns: list[Column], categories: Categories, widths: list[int], unknown: bool
) -> tuple[Step, list[Column]]:
    out = _probe(obj, columns, categories, unknown)
    if sum(widths) != out.shape[1]:
        raise ValueError(f"{type(obj).__name__} writes {out.shape[1]} columns, not the {sum(widths)} expected")
    values, tables, start = [], [], 0
    for j, (column, known) in enumerate(zip(columns, obj.categories_, strict=True)):
        if column.text:
            if column.source is None:
                raise ValueError(f"{type(obj).__name__} reads category strings that are not an input column")
            codes = [categories.code(column.source, v) for v in known]
        else:
            codes = [float("nan") if is_missing(v) else float(v) for v in known]
            if column.source is not None:
                categories.numbers.setdefault(column.source, [c for c in codes if c == c])
        rows = out[: len(known), start : start + widths[j]]
        unseen = out[len(known), start : start + widths[j]] if unknown else np.full(widths[j], np.nan)
        order = np.argsort(np.asarray(codes))
        values.append(np.asarray(codes)[order])
        tables.append(np.vstack([rows[order], unseen[None, :]]))
        start += widths[j]
    return Lookup(tuple(values), tuple(tables)), [Column(None)] * sum(widths)


def one_hot_encoder(obj: Any, columns: list[Column], categories: Categories) -> tuple[Step, list[Column]]:
    infrequent = getattr(obj, "infrequent_categories_", None) or [None] * len(obj.categories_)
    drop = obj.drop_idx_ if obj.drop_idx_ is not None else [None] * len(obj.categories_)
    widths = [
        len(known) - (0 if rare is None else len(rare) - 1) - (0 if dropped is None else 1)
        for known, rare, dropped in zip(obj.categories_, infrequent, drop, strict=True)
    ]
    return _lookup(obj, columns, categories, widths, obj.handle_unknown != "error")


def ordinal_encoder(obj: Any, columns: list[Column], categories: Categories) -> tuple[Step, list[Column]]:
    if getattr(obj, "infrequent_categories_", None) is not None and any(
        r is not None for r in obj.infrequent_categories_
    ):
        raise ValueError("OrdinalEncoder with infrequent categories is not supported")
    unknown = obj.handle_unknown == "use_encoded_value"
    return _lookup(obj, columns, categories, [1] * len(obj.categories_), unknown)


TRANSFORMERS: dict[str, StepConverter] = {
    "sklearn.preprocessing.StandardScaler": standard_scaler,
    "sklearn.preprocessing.MinMaxScaler": min_max_scaler,
    "sklearn.preprocessing.MaxAbsScaler": max_abs_scaler,
    "sklearn.preprocessing.RobustScaler": robust_scaler,
    "sklearn.impute.SimpleImputer": simple_imputer,
    "sklearn.preprocessing.OneHotEncoder": one_hot_encoder,
    "sklearn.preprocessing.OrdinalEncoder": ordinal_encoder,
}
"""Preprocessing steps by public class path; ``Pipeline`` and ``ColumnTransformer`` are walked, not listed."""

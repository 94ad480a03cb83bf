"""Turns what a client sent (query values, JSON rows or columns, CSV) into a checked feature matrix.

Every refusal is an ``InvalidInputError`` naming the field (and the row, for batches) and the reason,
so that a client can fix its request from the message alone. Nothing is coerced silently: a ``true``
is not 1, an empty string is not 0, ``1.5`` is not an integer, and a value that is not finite is refused.

Imported models add two things: a ``category`` feature takes a string, served as its index in the
feature's categories (-1 for an unknown one the model accepts); and a feature whose model handles missing
values takes JSON ``null``, an empty CSV field or an empty query value, served as NaN.
The common case runs vectorized; the slow, precise diagnosis runs only once something is wrong.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from core.errors import EmptyInputError, InvalidInputError, LimitExceededError
from core.prediction.spec import Feature, ModelSpec

Matrix = npt.NDArray[np.float64]

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
"""A decimal number as a person writes one; Python's ``float`` would also take 'nan', 'inf' and '1_0'."""

LARGEST = 1e15
"""The largest magnitude a feature value may have; the OpenAPI schema states it as each feature's bounds.

Below 2**53, so every whole number up to it is exact in a float (an ``integer`` feature can be checked, and
a bound compared as a float is compared exactly), and far enough from the float range that a model's
answer stays finite: without it, a request valid by the schema could be refused as too large."""


def _where(row: int | None) -> str:
    return "" if row is None else f"row {row}: "


def parse_number(text: str, feature: str, row: int | None = None) -> float:
    """One query or CSV value as a float, refusing anything that is not a plain finite decimal number."""
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError(f"{_where(row)}field {feature!r} is empty; expected a number", field=feature)
    if not _NUMBER.fullmatch(stripped):
        shown = stripped if len(stripped) <= 40 else stripped[:40] + "..."
        raise InvalidInputError(f"{_where(row)}field {feature!r} is not a number: {shown!r}", field=feature)
    value = float(stripped)
    if not abs(value) <= LARGEST:
        raise InvalidInputError(f"{_where(row)}field {feature!r} is out of range: {stripped!r}", field=feature)
    return value


UNKNOWN_CODE = -1.0
"""The code of a category value the feature does not list, where the model accepts unknown values."""


def category_code(value: str, feature: Feature, row: int | None = None) -> float:
    """A category's string as its index in the feature's categories; an unknown one is -1 or refused."""
    try:
        return float(feature.categories.index(value))
    except ValueError:
        if feature.unknown:
            return UNKNOWN_CODE
    raise InvalidInputError(
        f"{_where(row)}field {feature.name!r} is {_shown(value)}, not one of the known categories: {listed(feature)}",
        field=feature.name,
    )


def listed(feature: Feature) -> str:
    """The feature's known values as a refusal lists them."""
    return ", ".join(f"{c:g}" if isinstance(c, float | int) else str(c) for c in feature.categories)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def missing_value(feature: Feature, row: int | None, what: str) -> float:
    """NaN where the model handles a missing value; otherwise the refusal naming the field."""
    if feature.missing:
        return float("nan")
    expected = "a category" if feature.kind == "category" else "a number"
    raise InvalidInputError(f"{_where(row)}field {feature.name!r} is {what}; expected {expected}", field=feature.name)


def parse_text(text: str, feature: Feature, row: int | None = None) -> float:
    """One query or CSV value for ``feature``: a number, a category, or (if allowed) empty for a missing value."""
    if feature.kind == "category":
        return category_code(text, feature, row) if text != "" else missing_value(feature, row, "empty")
    if feature.missing and not text.strip():
        return float("nan")
    return _known_number(parse_number(text, feature.name, row), feature, row)


def _known_number(value: float, feature: Feature, row: int | None) -> float:
    """A number an encoder that refuses unknown values must know."""
    if feature.categories and not feature.unknown and value not in feature.categories:
        raise InvalidInputError(
            f"{_where(row)}field {feature.name!r} is {value:g}, not one of the known values: {listed(feature)}",
            field=feature.name,
        )
    return value


def check_matrix(spec: ModelSpec, x: Matrix, first_row: int = 0) -> Matrix:
    """Refuse values that are not finite or do not fit their feature's kind; rows count from ``first_row``.

    A category's codes were made by this module and are not checked again; NaN passes where the model
    handles missing values."""
    for j, feature in enumerate(spec.features):
        if feature.kind == "category":
            continue
        column = x[:, j]
        present = ~np.isnan(column) if feature.missing else np.ones(len(column), dtype=bool)
        bad = ~np.isfinite(column) & present
        reason = "must be a finite number"
        if not bad.any():
            bad, reason = np.abs(column) > LARGEST, f"must be a finite number from {-LARGEST:g} to {LARGEST:g}"
        if not bad.any() and feature.kind != "number":
            bad, reason = _kind_violations(feature, column)
            bad &= present
        if not bad.any() and feature.categories and not feature.unknown:
            known = np.asarray(feature.categories, dtype=np.float64)
            bad, reason = ~np.isin(column, known) & present, f"must be one of the known values: {listed(feature)}"
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidInputError(
                f"row {i + first_row}: field {feature.name!r} {reason}, got {float(column[i])!r}", field=feature.name
            )
    return x


KIND_RULES = {"integer": "must be a whole number", "binary": "must be 0 or 1"}
"""What a value of each constrained kind must be, in the words every refusal uses."""


def _kind_violations(feature: Feature, column: Matrix) -> tuple[npt.NDArray[np.bool_], str]:
    if feature.kind == "integer":
        return column != np.floor(column), KIND_RULES["integer"]
    return (column != 0) & (column != 1), KIND_RULES["binary"]


def check_names(spec: ModelSpec, names: Sequence[str], what: str) -> None:
    known = set(spec.feature_names)
    for name in names:
        if name not in known:
            raise InvalidInputError(
                f"unknown {what} {name!r} for model {spec.name!r}; expected: {', '.join(spec.feature_names)}",
                field=name,
            )
    present = set(names)
    for name in spec.feature_names:
        if name not in present:
            raise InvalidInputError(f"{what} {name!r} is missing", field=name)


def matrix_from_query(spec: ModelSpec, params: Mapping[str, Sequence[str]]) -> Matrix:
    """Plumber-style query values: every feature once, or each repeated to give several rows.

    Features given once apply to every row (as R recycles a length-one vector); any other mismatch
    in the number of values is refused, naming the field.
    """
    check_names(spec, list(params), "field")
    counts = {name: len(params[name]) for name in spec.feature_names}
    rows = max(counts.values())
    for name, count in counts.items():
        if count not in (1, rows):
            raise InvalidInputError(
                f"field {name!r} has {count} values but another field has {rows}; give each once or equally often",
                field=name,
            )
    columns: list[list[float]] = []
    for feature in spec.features:
        values = params[feature.name]
        column = [
            parse_text(values[i if len(values) > 1 else 0], feature, i if rows > 1 else None) for i in range(rows)
        ]
        _check_kind(feature, column, rows > 1)
        columns.append(column)
    # A query holds a few rows at most: checked above value by value, which for one row is several times
    # cheaper than check_matrix's vectorized pass (numpy's cost per call dominates arrays this small).
    return np.array(columns, dtype=np.float64).T.copy()


def _check_kind(feature: Feature, column: list[float], several: bool) -> None:
    """``check_matrix``'s kind rule, for values already known to be finite (or NaN, missing); the same message."""
    if feature.kind in ("number", "category"):
        return
    integer = feature.kind == "integer"
    for i, value in enumerate(column):
        if value != value:  # NaN: a missing value the model accepts
            continue
        bad = (not value.is_integer()) if integer else (value not in (0.0, 1.0))
        if bad:
            where = f"row {i}: " if several else ""
            message = f"{where}field {feature.name!r} {KIND_RULES[feature.kind]}, got {value!r}"
            raise InvalidInputError(message, field=feature.name)


def check_row_count(count: int, max_rows: int) -> None:
    if count == 0:
        raise EmptyInputError("the batch has no rows", field="rows")
    if count > max_rows:
        raise LimitExceededError(f"the batch has {count} rows; at most {max_rows} are accepted", field="rows")


def feature_value(value: Any, feature: Feature, row: int) -> float:
    """A JSON value for ``feature``: a number, a category's string, or ``null`` where missing values are accepted."""
    if value is None and (feature.missing or feature.kind == "category"):
        return missing_value(feature, row, "null")
    if feature.kind == "category":
        if not isinstance(value, str):
            kind = type(value).__name__.replace("bool", "boolean").replace("float", "number").replace("int", "number")
            raise InvalidInputError(
                f"row {row}: field {feature.name!r} must be a string (a category), got {kind}", field=feature.name
            )
        return category_code(value, feature, row)
    return _known_number(json_value(value, feature.name, row), feature, row)


def json_value(value: Any, feature: str, row: int) -> float:
    """A JSON value that must be a number: ``true``, ``null`` and strings are refused, not converted."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "null" if value is None else type(value).__name__.replace("str", "string")
        raise InvalidInputError(f"row {row}: field {feature!r} must be a number, got {kind}", field=feature)
    try:
        return float(value)
    except OverflowError:  # a whole number past the float range, as json.loads reads one
        raise InvalidInputError(
            f"row {row}: field {feature!r} must be a finite number from {-LARGEST:g} to {LARGEST:g}", field=feature
        ) from None


@functools.cache
def _codes(feature: Feature) -> dict[Any, float]:
    """A category feature's value -> code table, with ``None`` -> NaN where missing values are accepted."""
    codes: dict[Any, float] = {c: float(i) for i, c in enumerate(feature.categories) if isinstance(c, str)}
    if feature.missing:
        codes[None] = float("nan")
    return codes


_NUMBER_TYPES = (int, float)


def _fast_column(feature: Feature, values: Sequence[Any]) -> Matrix | None:
    """One feature's JSON values as floats when every one is plainly valid (a known category or ``null``
    where accepted, or a number); ``None`` sends the column to the precise path, which names what is wrong.
    Range and kind are checked afterwards by ``check_matrix``."""
    if feature.kind == "category":
        codes = _codes(feature)
        try:
            if feature.unknown:
                return np.array([codes[v] if v in codes else _unknown_string(v) for v in values], dtype=np.float64)
            return np.array([codes[v] for v in values], dtype=np.float64)
        except (KeyError, TypeError):
            return None
    if feature.missing:
        if all(v is None or type(v) in _NUMBER_TYPES for v in values):
            return np.array(values, dtype=np.float64)  # None becomes NaN
        return None
    if all(type(v) in _NUMBER_TYPES for v in values):
        try:
            return np.array(values, dtype=np.float64)
        except OverflowError:
            return None
    return None


def _unknown_string(value: Any) -> float:
    if isinstance(value, str):
        return UNKNOWN_CODE
    raise TypeError("not a string")


def _fast_matrix(spec: ModelSpec, columns: Sequence[Sequence[Any]]) -> Matrix | None:
    x = np.empty((len(columns[0]) if columns else 0, len(spec.features)), dtype=np.float64)
    for j, (feature, values) in enumerate(zip(spec.features, columns, strict=True)):
        column = _fast_column(feature, values)
        if column is None:
            return None
        x[:, j] = column
    return check_matrix(spec, x)


def matrix_from_rows(spec: ModelSpec, rows: Sequence[Any], max_rows: int) -> Matrix:
    """JSON objects, one per row, each holding every feature and nothing else.

    Rows whose keys are exactly the features and whose values are plainly valid go column by column;
    anything else takes the precise path, value by value, which names the row and the field."""
    check_row_count(len(rows), max_rows)
    names = set(spec.feature_names)
    if all(type(row) is dict and row.keys() == names for row in rows):
        fast = _fast_matrix(spec, [[row[name] for row in rows] for name in spec.feature_names])
        if fast is not None:
            return fast
    return _precise_rows(spec, rows)


def _precise_rows(spec: ModelSpec, rows: Sequence[Any]) -> Matrix:
    x = np.empty((len(rows), len(spec.features)), dtype=np.float64)
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidInputError(f"row {i}: must be an object of feature values", field="rows")
        try:
            check_names(spec, list(row), "field")
        except InvalidInputError as exc:
            raise InvalidInputError(f"row {i}: {exc.message}", field=exc.field) from None
        for j, feature in enumerate(spec.features):
            x[i, j] = feature_value(row[feature.name], feature, i)
    return check_matrix(spec, x)


def matrix_from_columns(spec: ModelSpec, columns: Mapping[str, Any], max_rows: int) -> Matrix:
    """JSON arrays, one per feature, all of one length (the precise, slow path)."""
    check_names(spec, list(columns), "column")
    lengths = {name: len(v) if isinstance(v, list) else -1 for name, v in columns.items()}
    for name, length in lengths.items():
        if length < 0:
            raise InvalidInputError(f"column {name!r} must be an array of numbers", field=name)
    count = lengths[spec.feature_names[0]]
    for name in spec.feature_names:
        if lengths[name] != count:
            raise InvalidInputError(
                f"column {name!r} has {lengths[name]} values but {spec.feature_names[0]!r} has {count}", field=name
            )
    check_row_count(count, max_rows)
    fast = _fast_matrix(spec, [columns[name] for name in spec.feature_names])
    if fast is not None:
        return fast
    x = np.empty((count, len(spec.features)), dtype=np.float64)
    for j, feature in enumerate(spec.features):
        for i, value in enumerate(columns[feature.name]):
            x[i, j] = feature_value(value, feature, i)
    return check_matrix(spec, x)

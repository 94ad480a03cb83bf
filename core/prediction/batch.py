"""Reads a batch body (JSON rows, JSON columns, or CSV with a header) into a feature matrix, fast.

The fast path decodes JSON straight into typed values with msgspec and CSV with numpy's C reader; when
either refuses the body, the precise path in ``core.prediction.features`` re-reads it to say which field of which
row is wrong. So a good batch costs little more than parsing it, and a bad one gets a useful message.
"""

from __future__ import annotations

import csv
import io
import json
import operator
from collections.abc import Iterable
from typing import Any

import msgspec
import numpy as np

from core.errors import InvalidInputError, MalformedBodyError, UnsupportedMediaTypeError
from core.prediction.features import (
    Matrix,
    check_matrix,
    check_names,
    check_row_count,
    matrix_from_columns,
    matrix_from_rows,
    parse_text,
)
from core.prediction.spec import ModelSpec

JSON_TYPES = ("application/json",)
CSV_TYPES = ("text/csv", "application/csv")


class _Batch(msgspec.Struct, forbid_unknown_fields=True):
    rows: list[dict[str, float]] | None = None
    columns: dict[str, list[float]] | None = None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_batch(spec: ModelSpec, body: bytes, content_type: str | None, max_rows: int) -> Matrix:
    """The checked matrix for ``body``; the content type chooses the reader (JSON or CSV)."""
    kind = media_type(content_type)
    if kind in JSON_TYPES or kind.endswith("+json"):
        return _from_json(spec, body, max_rows)
    if kind in CSV_TYPES:
        return _from_csv(spec, body, max_rows)
    raise UnsupportedMediaTypeError(
        f"content type {kind or '(none)'!r} is not accepted; send application/json or text/csv",
        field="content-type",
    )


def _from_json(spec: ModelSpec, body: bytes, max_rows: int) -> Matrix:
    if not body.strip():
        raise MalformedBodyError("the body is empty; expected a JSON object with 'rows' or 'columns'", field="body")
    try:
        batch = msgspec.json.decode(body, type=_Batch)
    except msgspec.ValidationError:
        return _diagnose_json(spec, _loads(body), max_rows)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:  # bad UTF-8 after the value is a UnicodeDecodeError
        raise MalformedBodyError(f"the body is not valid JSON: {exc}", field="body") from None
    if (batch.rows is None) == (batch.columns is None):
        raise InvalidInputError("give exactly one of 'rows' or 'columns'", field="rows")
    if has_categories(spec):  # a number where a category's string belongs must be refused, not taken as a code
        return _diagnose_json(spec, _loads(body), max_rows)
    if batch.rows is not None:
        return _fast_rows(spec, batch.rows, max_rows)
    assert batch.columns is not None
    return _fast_columns(spec, batch.columns, max_rows)


def has_categories(spec: ModelSpec) -> bool:
    """Whether a feature takes a category's string: the typed fast paths read numbers only."""
    return any(f.kind == "category" for f in spec.features)


def _loads(body: bytes) -> Any:
    """The body read by the standard library, which takes what msgspec refuses to type (1e999 becomes inf).

    The precise path can then name the field instead of a JSON path. msgspec refuses a wrong type as soon
    as it sees it, so the rest of the body may still be broken: bad JSON, bad UTF-8, or nesting too deep.
    """
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = "it nests too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise MalformedBodyError(f"the body is not valid JSON: {reason}", field="body") from None


def _diagnose_json(spec: ModelSpec, data: Any, max_rows: int) -> Matrix:
    """The typed decode refused the body: find the first wrong field and say so."""
    if not isinstance(data, dict):
        raise InvalidInputError("the body must be a JSON object with 'rows' or 'columns'", field="body")
    unknown = [key for key in data if key not in ("rows", "columns")]
    if unknown:
        raise InvalidInputError(f"unknown field {unknown[0]!r}; expected 'rows' or 'columns'", field=unknown[0])
    if "rows" in data and "columns" in data:
        raise InvalidInputError("give exactly one of 'rows' or 'columns'", field="rows")
    if "rows" in data:
        if not isinstance(data["rows"], list):
            raise InvalidInputError("'rows' must be an array of objects", field="rows")
        return matrix_from_rows(spec, data["rows"], max_rows)
    if not isinstance(data["columns"], dict):
        raise InvalidInputError("'columns' must be an object of arrays", field="columns")
    return matrix_from_columns(spec, data["columns"], max_rows)


def _fast_rows(spec: ModelSpec, rows: list[dict[str, float]], max_rows: int) -> Matrix:
    check_row_count(len(rows), max_rows)
    width = len(spec.features)
    if any(len(row) != width for row in rows):
        return matrix_from_rows(spec, rows, max_rows)
    getter = operator.itemgetter(*spec.feature_names)
    try:
        values = [getter(row) for row in rows]
    except KeyError:
        return matrix_from_rows(spec, rows, max_rows)
    x = np.array(values, dtype=np.float64).reshape(len(rows), width)
    return check_matrix(spec, x)


def _fast_columns(spec: ModelSpec, columns: dict[str, list[float]], max_rows: int) -> Matrix:
    names = spec.feature_names
    if set(columns) != set(names) or len({len(v) for v in columns.values()}) != 1:
        return matrix_from_columns(spec, columns, max_rows)
    check_row_count(len(columns[names[0]]), max_rows)
    x = np.empty((len(columns[names[0]]), len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        x[:, j] = columns[name]
    return check_matrix(spec, x)


def _from_csv(spec: ModelSpec, body: bytes, max_rows: int) -> Matrix:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedBodyError("the CSV body is not UTF-8 text", field="body") from None
    header_line, _, rest = text.partition("\n")
    header = [name.strip() for name in next(iter(_csv_rows([header_line])), [])]
    if not any(header):
        raise MalformedBodyError("the CSV body needs a header row naming the features", field="body")
    if len(set(header)) != len(header):
        duplicate = next(name for name in header if header.count(name) > 1)
        raise InvalidInputError(f"column {duplicate!r} appears twice in the CSV header", field=duplicate)
    check_names(spec, header, "column")
    if not rest.strip():
        check_row_count(0, max_rows)
    order = [header.index(name) for name in spec.feature_names]
    try:
        if has_categories(spec):  # "0" in a category column is the string "0", not a code: read as text
            raise ValueError("categories")
        # comments=None: a "#" is not a comment here but a character no number has, to be refused by name.
        x = np.loadtxt(io.StringIO(rest), delimiter=",", ndmin=2, dtype=np.float64, quotechar='"', comments=None)
    except ValueError:
        x = _diagnose_csv(spec, header, rest)
    if x.size == 0:
        x = np.empty((0, len(header)))
    if x.shape[1] != len(header):
        raise MalformedBodyError(
            f"the CSV rows have {x.shape[1]} fields but the header has {len(header)}", field="body"
        )
    check_row_count(x.shape[0], max_rows)
    return check_matrix(spec, np.ascontiguousarray(x[:, order]))


def _csv_rows(lines: Iterable[str]) -> list[list[str]]:
    """The rows ``csv`` reads; what it cannot read (a bare CR inside a field, a field past its size limit) is a
    malformed body, not a crash."""
    try:
        return list(csv.reader(lines))
    except csv.Error as exc:
        raise MalformedBodyError(f"the CSV body cannot be read: {exc}", field="body") from None


def _diagnose_csv(spec: ModelSpec, header: list[str], rest: str) -> Matrix:
    """numpy refused a value or a row: read it again in Python to name the row and the field."""
    rows = [row for row in _csv_rows(io.StringIO(rest)) if row]
    features = {f.name: f for f in spec.features}
    x = np.empty((len(rows), len(header)), dtype=np.float64)
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise MalformedBodyError(f"row {i}: has {len(row)} fields but the header has {len(header)}", field="body")
        for j, value in enumerate(row):
            x[i, j] = parse_text(value, features[header[j]], i)
    return x

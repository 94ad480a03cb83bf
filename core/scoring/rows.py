"""Turns a block of CSV or JSON Lines rows into a checked feature matrix, refusing bad rows one by one.

A refused row gets the message the HTTP batch route gives for the same value (``core.prediction.features``:
``parse_number``, ``json_value``, ``check_matrix``), with its 1-based row number. The common case runs
vectorized; the per-row diagnosis runs only on a block where something is wrong. Columns other than the
model's features are carried through untouched, so an id column can travel with the predictions.
"""

from __future__ import annotations

import csv
import functools
import math
import operator
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import numpy as np

from core.decimals import decimals
from core.errors import InvalidInputError, MalformedBodyError
from core.prediction.features import Matrix, check_matrix, json_value, parse_number
from core.prediction.spec import ModelSpec
from core.scoring.lines import MAX_LINE_BYTES, Block

RESERVED = ("prediction", "probability")
"""Names the output adds: an input column (or key) called so, or ``probability_<class>``, would be ambiguous."""

_NUMERIC = b"0123456789.eE+- \t\x00"
_PRINTABLE = bytes(range(32, 127)).replace(b'"', b"") + b"\n"
"""The bytes a block read in bulk may hold: no quote (a field may then hold a comma), CR, NUL or non-ASCII."""


@dataclass(frozen=True)
class Refusal:
    """A row the model cannot score: its index in the block, the field at fault and why."""

    index: int
    field: str | None
    message: str


@dataclass
class Parsed:
    """A block's scorable rows (``kept``: their indices in the block) as a matrix, and the refused rows."""

    x: Matrix
    kept: list[int]
    refused: list[Refusal] = field(default_factory=list)


def is_reserved(name: str) -> bool:
    return name in RESERVED or name.startswith("probability_")


@dataclass(frozen=True)
class CsvLayout:
    """The input header: its names, and where each of the model's features sits in a row."""

    names: tuple[str, ...]
    order: tuple[int, ...]


def csv_layout(spec: ModelSpec, header: bytes) -> CsvLayout:
    """The header row read and checked: every feature present once; ``InvalidInputError`` naming the column."""
    try:
        text = header.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedBodyError("the CSV header is not UTF-8 text", field="header") from None
    try:
        names = tuple(name.strip() for name in next(csv.reader([text]), []))
    except csv.Error as exc:
        raise MalformedBodyError(f"the CSV header cannot be read: {exc}", field="header") from None
    if not any(names):
        raise MalformedBodyError("the CSV input needs a header row naming the features", field="header")
    for name in names:
        if names.count(name) > 1:
            raise InvalidInputError(f"column {name!r} appears twice in the CSV header", field=name)
        if is_reserved(name):
            raise InvalidInputError(f"column {name!r} is a name the output adds; rename it", field=name)
    for name in spec.feature_names:
        if name not in names:
            raise InvalidInputError(
                f"column {name!r} is missing; the header names {', '.join(names)}; model {spec.name!r} needs "
                f"{', '.join(spec.feature_names)}",
                field=name,
            )
    return CsvLayout(names, tuple(names.index(name) for name in spec.feature_names))


LEAF_ROWS = 16
"""The size under which a block that cannot be read in bulk is read row by row rather than halved again."""

BULK_MIN_ROWS = 512
"""Below this, numpy's cost per call outweighs the bulk reader's gain: a part is read the simpler way."""


def parse_csv(spec: ModelSpec, layout: CsvLayout, block: Block, first_row: int) -> Parsed:
    """The block's rows (``first_row``: the 1-based number of its first) as a matrix, bad rows refused."""

    def whole(part: Block, first: int) -> Matrix | None:
        x = _bulk_csv(spec, layout, part, first) if len(part) >= BULK_MIN_ROWS else None
        return _fast_csv(spec, layout, part, first) if x is None else x

    return _halving(block, first_row, whole, lambda line, row: _csv_values(spec, layout, line, row), spec)


def _halving(
    block: Block,
    first_row: int,
    whole: Callable[[Block, int], Matrix | None],
    values: Callable[[bytes, int], list[float]],
    spec: ModelSpec,
) -> Parsed:
    """``whole(block)``'s matrix if it reads the block at once; else each half the same way, down to
    ``LEAF_ROWS`` rows read one by one. So a bad row costs its few neighbours the row-by-row way, not its
    whole block: the rows around it stay in bulk."""
    x = whole(block, first_row)
    if x is not None:
        return Parsed(x, list(range(len(block))))
    if len(block) <= LEAF_ROWS:
        return _precise(spec, block, first_row, values)
    half = len(block) // 2
    left = _halving(block.part(0, half), first_row, whole, values, spec)
    right = _halving(block.part(half, len(block)), first_row + half, whole, values, spec)
    return Parsed(
        np.concatenate((left.x, right.x)),
        left.kept + [i + half for i in right.kept],
        left.refused + [Refusal(r.index + half, r.field, r.message) for r in right.refused],
    )


def _bulk_csv(spec: ModelSpec, layout: CsvLayout, block: Block, first_row: int) -> Matrix | None:
    """The matrix, parsed by numpy a column at a time, when every feature is a plain decimal; else None.

    A plain block (no blank or skipped line) of printable ASCII without quotes (and CRs only before line
    breaks), whose every row holds the header's field count: then a row's fields are the spans between its
    commas. Anything else (quotes, spaces,
    exponents, empty fields) goes the slower ways, which give the same values and, for a bad row, its refusal.
    """
    if not block.plain or not len(block):
        return None
    region = block.region
    if region.translate(None, _PRINTABLE) and (
        region.translate(None, _PRINTABLE + b"\r") or region.count(b"\r") != region.count(b"\r\n")
    ):
        return None
    width, rows, base = len(layout.names), len(block), int(block.starts[0])
    commas = np.flatnonzero(np.frombuffer(region, dtype=np.uint8) == 44) + base
    if commas.size != rows * (width - 1):
        return None
    by_row = commas.reshape(rows, width - 1)
    if width > 1 and ((by_row[:, 0] < block.starts).any() or (by_row[:, -1] >= block.ends).any()):
        return None  # the commas of row i are the (width - 1) after its start: each must lie inside row i
    x = np.empty((rows, len(layout.order)), dtype=np.float64)
    for k, column in enumerate(layout.order):
        starts = block.starts if column == 0 else by_row[:, column - 1] + 1
        ends = block.ends if column == width - 1 else by_row[:, column]
        values = decimals(block.data, starts, ends)
        if values is None:
            return None
        x[:, k] = values
    try:
        return check_matrix(spec, x, first_row)
    except InvalidInputError:
        return None


def _fast_csv(spec: ModelSpec, layout: CsvLayout, block: Block, first_row: int) -> Matrix | None:
    """The matrix when every row is plain (no quotes, the header's field count, plain numbers); else None."""
    width = len(layout.names)
    joined = b"\n".join(block.lines)
    if block.oversize or b'"' in joined or joined.count(b",") != len(block.lines) * (width - 1):
        return None
    cells = np.array(joined.replace(b"\n", b",").split(b","))
    if cells.size != len(block.lines) * width:
        return None
    features = cells.reshape(len(block.lines), width)[:, list(layout.order)]
    if features.tobytes().translate(None, _NUMERIC):
        return None
    try:
        return check_matrix(spec, features.astype(np.float64), first_row)
    except (ValueError, InvalidInputError):
        return None


def _csv_values(spec: ModelSpec, layout: CsvLayout, line: bytes, row: int) -> list[float]:
    try:
        fields = next(csv.reader([line.decode("utf-8")]), [])
    except csv.Error as exc:
        raise MalformedBodyError(f"row {row}: cannot be read as CSV: {exc}", field="row") from None
    if len(fields) != len(layout.names):
        raise MalformedBodyError(
            f"row {row}: has {len(fields)} fields but the header has {len(layout.names)}", field="row"
        )
    return [_number(fields[j], name, row) for j, name in zip(layout.order, spec.feature_names, strict=True)]


def _number(text: str, name: str, row: int) -> float:
    """``parse_number``, except that NaN, infinities and overflows are returned for ``check_matrix`` to refuse.

    The HTTP route's CSV reader (numpy's) takes those, so its refusal of them is ``check_matrix``'s
    "must be a finite number": this gives the same words for the same value.
    """
    try:
        return parse_number(text, name, row)
    except InvalidInputError:
        try:
            value = float(text.strip())
        except ValueError:
            value = 0.0
        if math.isfinite(value):
            raise
        return value


def _precise(spec: ModelSpec, block: Block, first_row: int, values: Any) -> Parsed:
    """Each row on its own: kept with its values, or refused with the first thing wrong in it."""
    kept: list[int] = []
    rows: list[list[float]] = []
    refused: list[Refusal] = []
    for i, line in enumerate(block.lines):
        row = first_row + i
        try:
            if i in block.oversize:
                raise MalformedBodyError(
                    f"row {row}: the line is {block.oversize[i]} bytes long; at most {MAX_LINE_BYTES} are read",
                    field="row",
                )
            row_values = values(line, row)
            check_matrix(spec, np.array([row_values], dtype=np.float64), row)
        except UnicodeDecodeError:
            refused.append(Refusal(i, "row", f"row {row}: is not UTF-8 text"))
        except InvalidInputError as exc:
            refused.append(Refusal(i, exc.field, exc.message))
        else:
            kept.append(i)
            rows.append(row_values)
    x = np.array(rows, dtype=np.float64).reshape(len(rows), len(spec.features))
    return Parsed(x, kept, refused)


def parse_jsonl(spec: ModelSpec, block: Block, first_row: int) -> Parsed:
    """The block's JSON objects (one per line) as a matrix; extra keys are carried, bad rows refused."""
    return _halving(
        block,
        first_row,
        lambda part, first: _fast_jsonl(spec, part, first),
        lambda line, row: _json_values(spec, line, row),
        spec,
    )


@functools.cache
def _row_type(feature_names: tuple[str, ...]) -> type[msgspec.Struct]:
    """A typed row of the features (other keys ignored), so msgspec refuses a ``true`` or a ``"3"`` as it decodes."""
    names = {f"f{j}": name for j, name in enumerate(feature_names)}
    return msgspec.defstruct("Row", [(key, float) for key in names], rename=names)


def _fast_jsonl(spec: ModelSpec, block: Block, first_row: int) -> Matrix | None:
    joined = b"[" + b",".join(block.lines) + b"]"
    if block.oversize or b'"prediction"' in joined or b'"probability' in joined:
        return None
    try:
        rows = msgspec.json.decode(joined, type=types.GenericAlias(list, (_row_type(spec.feature_names),)))
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    if len(rows) != len(block.lines):
        return None
    fields = [f"f{j}" for j in range(len(spec.features))]
    x = np.array(list(map(operator.attrgetter(*fields), rows)), dtype=np.float64)  # one C call a row
    try:
        return check_matrix(spec, x.reshape(len(rows), len(fields)), first_row)
    except InvalidInputError:
        return None


def _json_values(spec: ModelSpec, line: bytes, row: int) -> list[float]:
    try:
        data = msgspec.json.decode(line)
    except msgspec.DecodeError as exc:
        raise MalformedBodyError(f"row {row}: is not valid JSON: {exc}", field="row") from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"row {row}: must be an object of feature values", field="row")
    for key in data:
        if is_reserved(key):
            raise InvalidInputError(f"row {row}: field {key!r} is a name the output adds; rename it", field=key)
    for name in spec.feature_names:
        if name not in data:
            raise InvalidInputError(f"row {row}: field {name!r} is missing", field=name)
    return [json_value(data[name], name, row) for name in spec.feature_names]

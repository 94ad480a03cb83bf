"""Writes scored rows: each input row exactly as it came, then the model's answer columns.

The answer columns follow the answer's shape, whatever the model: ``prediction`` alone (a regression),
then ``probability`` (a binary classifier: one probability per row) or one ``probability_<class>`` per
class (a multiclass classifier, whose answer names its ``classes`` and gives a list per row).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from core.prediction.service import ArrayAnswer
from core.spans import Lengths, Pieces


def _per_class(answer: Mapping[str, Any]) -> bool:
    """A multiclass answer: one probability list per row. A binary classifier that names its ``classes`` (an
    imported one) still gives one probability per row, of ``classes[1]``: one ``probability`` column."""
    probabilities: Sequence[Any] = answer.get("probabilities") or ()
    return answer.get("classes") is not None and bool(probabilities) and isinstance(probabilities[0], list)


def answer_columns(answer: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the columns ``answer`` (a ``predict_matrix`` result) fills, in output order."""
    if answer.get("probabilities") is None:
        return ("prediction",)
    if _per_class(answer):
        return ("prediction", *(f"probability_{label}" for label in answer["classes"]))
    return ("prediction", "probability")


def answer_values(answer: Mapping[str, Any]) -> list[Sequence[Any]]:
    """One sequence per answer column, each with one value per row."""
    columns: list[Sequence[Any]] = [answer["predictions"]]
    probabilities = answer.get("probabilities")
    if probabilities is None:
        return columns
    if _per_class(answer):
        return [*columns, *([row[k] for row in probabilities] for k in range(len(answer["classes"])))]
    return [*columns, probabilities]


def csv_cell(value: Any) -> str:
    """A value as CSV writes it: numbers as Python's shortest exact repr, text quoted when it must be."""
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if any(c in text for c in ',"\r\n') or text != text.strip():
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([text])
        return buffer.getvalue()
    return text


def csv_header(header: bytes, columns: Sequence[str]) -> bytes:
    """The input's header row, untouched, then the answer columns."""
    return header + b"," + ",".join(csv_cell(name) for name in columns).encode() + b"\n"


@dataclass(frozen=True)
class Cells:
    """One answer column of a block: ``numbers`` (written as Python's repr writes them), or ``texts[index[i]]``."""

    numbers: npt.NDArray[np.float64] | None = None
    texts: tuple[bytes, ...] = ()
    index: npt.NDArray[np.intp] | None = None


def answer_cells(answer: ArrayAnswer) -> list[Cells]:
    """The columns ``answer_columns`` names, from an array answer: the label (or value), then each probability."""
    raw = answer.raw
    if answer.labels is None or answer.chosen is None:
        return [Cells(raw)]
    label = Cells(texts=tuple(csv_cell(v).encode() for v in answer.labels), index=answer.chosen)
    if raw.ndim == 2:
        return [label, *(Cells(np.ascontiguousarray(raw[:, k])) for k in range(raw.shape[1]))]
    return [label, Cells(raw)]


def _listed_cells(values: Sequence[Any]) -> Cells:
    if values and all(isinstance(v, float) for v in values):
        return Cells(np.asarray(values, dtype=np.float64))
    codes: dict[Any, int] = {}
    index = np.fromiter((codes.setdefault(v, len(codes)) for v in values), dtype=np.intp, count=len(values))
    return Cells(texts=tuple(csv_cell(v).encode() for v in codes), index=index)


def csv_rows(lines: Sequence[bytes], answer: Mapping[str, Any]) -> bytes:
    """Each input line followed by its answer cells, one output line per input line."""
    if not lines:
        return b""
    data = b"\n".join(lines)
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    ends = np.cumsum(lengths + 1) - 1
    return csv_lines(data, ends - lengths, ends, [_listed_cells(v) for v in answer_values(answer)])


def csv_lines(data: bytes, starts: Lengths, ends: Lengths, cells: Sequence[Cells]) -> bytes:
    """Each line ``data[starts[i]:ends[i]]``, untouched, then its cells: one output line per input line.

    Built without a Python object per row: every piece of the output (a line, a comma and a cell, the line
    break) is a span of one source buffer, and numpy copies the spans in one gather.
    """
    pieces = Pieces(data)
    pieces.add(starts, ends - starts)
    for column in cells:
        if column.numbers is not None:
            pieces.numbers(column.numbers, comma=True, as_repr=True)
        else:
            pieces.texts([b"," + text for text in column.texts], column.index)
    pieces.texts((b"\n",), None)
    return pieces.join(len(starts))


_SPACE = np.zeros(256, dtype=bool)
_SPACE[list(b" \t\r\n")] = True


def jsonl_lines(data: bytes, starts: Lengths, ends: Lengths, answer: ArrayAnswer, names: Sequence[str]) -> bytes | None:
    """What ``jsonl_rows`` writes, built in one gather like ``csv_lines``: each object as sent without its
    closing brace, then the answer's keys; None when some line ends in a space or anything but ``}``
    (``jsonl_rows`` then takes them one by one)."""
    view = np.frombuffer(data, dtype=np.uint8)
    last = ends - 1
    if not len(last) or bool((view[last] != 125).any()) or bool(_SPACE[view[last - 1]].any()):
        return None
    pieces = Pieces(data)
    pieces.add(starts, last - starts)
    pieces.texts((b",", b""), (view[last - 1] == 123).astype(np.intp))  # no comma after an empty object's "{"
    keys = [orjson.dumps(name) + b":" for name in names]
    for k, column in enumerate(answer_cells(answer)):
        key = keys[k] if k == 0 else b"," + keys[k]
        if column.numbers is not None:
            pieces.texts((key,), None)
            pieces.numbers(column.numbers, comma=False, as_repr=False)
        else:
            pieces.texts([key + orjson.dumps(label) for label in answer.labels or ()], column.index)
    pieces.texts((b"}\n",), None)
    return pieces.join(len(starts))


def jsonl_rows(lines: Sequence[bytes], answer: Mapping[str, Any]) -> bytes:
    """Each input object with the answer's keys appended after its own, its own bytes untouched."""
    names = answer_columns(answer)
    out = []
    for line, values in zip(lines, zip(*answer_values(answer), strict=True), strict=True):
        tail = orjson.dumps(dict(zip(names, values, strict=True)))[1:-1]
        body = line.rstrip()[:-1].rstrip()  # the object without its closing brace
        out.append(body + (b"" if body.endswith(b"{") else b",") + tail + b"}")
    return b"\n".join(out) + b"\n" if out else b""

"""Writes scored rows: each input row exactly as it came, then the model's answer columns.

The answer columns follow the answer's shape, whatever the model: ``prediction`` alone (a regression),
then ``probability`` (a binary classifier: one probability per row) or one ``probability_<class>`` per
class (a multiclass classifier, whose answer names its ``classes`` and gives a list per row).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

import orjson


def answer_columns(answer: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the columns ``answer`` (a ``predict_matrix`` result) fills, in output order."""
    probabilities = answer.get("probabilities")
    if probabilities is None:
        return ("prediction",)
    classes = answer.get("classes")
    if classes is not None:
        return ("prediction", *(f"probability_{label}" for label in classes))
    return ("prediction", "probability")


def answer_values(answer: Mapping[str, Any]) -> list[Sequence[Any]]:
    """One sequence per answer column, each with one value per row."""
    columns: list[Sequence[Any]] = [answer["predictions"]]
    probabilities = answer.get("probabilities")
    if probabilities is None:
        return columns
    classes = answer.get("classes")
    if classes is not None:
        return [*columns, *([row[k] for row in probabilities] for k in range(len(classes)))]
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


def _csv_column(values: Sequence[Any]) -> list[bytes]:
    if values and all(isinstance(v, float) for v in values):
        return "\n".join(map(repr, values)).encode().split(b"\n")
    cells = {value: csv_cell(value).encode() for value in set(values)}
    return [cells[value] for value in values]


def csv_rows(lines: Sequence[bytes], answer: Mapping[str, Any]) -> bytes:
    """Each input line followed by its answer cells, one output line per input line."""
    if not lines:
        return b""
    columns = [_csv_column(values) for values in answer_values(answer)]
    return b"\n".join(map(b",".join, zip(lines, *columns, strict=True))) + b"\n"


def jsonl_rows(lines: Sequence[bytes], answer: Mapping[str, Any]) -> bytes:
    """Each input object with the answer's keys appended after its own, its own bytes untouched."""
    names = answer_columns(answer)
    out = []
    for line, values in zip(lines, zip(*answer_values(answer), strict=True), strict=True):
        tail = orjson.dumps(dict(zip(names, values, strict=True)))[1:-1]
        body = line.rstrip()[:-1].rstrip()  # the object without its closing brace
        out.append(body + (b"" if body.endswith(b"{") else b",") + tail + b"}")
    return b"\n".join(out) + b"\n" if out else b""

"""The bulk path reads and writes exactly what the row-by-row path would: the same values, the same bytes.

A block of plain decimals is parsed by numpy and its output built by one gather; any other block goes row
by row. These tests hold the two to the same answers, so the speed-up can never change a result.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from core.decimals import decimals
from core.scoring import output
from core.scoring.job import ScoreRequest, score
from handlers.storage import storage_for


def _spans(texts: list[bytes]) -> tuple[bytes, np.ndarray, np.ndarray]:
    data = b",".join(texts)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    ends = np.cumsum(lengths + 1) - 1
    return data, ends - lengths, ends


def test_plain_decimals_are_read_exactly_as_float_reads_them() -> None:
    rng = random.Random(13)
    texts = [b"0", b"-0", b"5.", b".5", b"-.25", b"000012.500", b"999999999999999", b"0.00000000000001"]
    for _ in range(20_000):
        whole = str(rng.randint(0, 10 ** rng.randint(0, 9)))
        fraction = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 15 - len(whole))))
        texts.append(
            f"{rng.choice(['', '-'])}{whole}{'.' if fraction or rng.random() < 0.1 else ''}{fraction}".encode()
        )
    values = decimals(*_spans(texts))
    assert values is not None
    expected = np.array([float(t) for t in texts])
    assert np.array_equal(values, expected)
    assert np.array_equal(np.signbit(values), np.signbit(expected))  # "-0" is -0.0, as float reads it


@pytest.mark.parametrize("places", [0, 1, 3, 6])
def test_a_column_with_its_point_always_at_one_place_is_read_exactly_too(places: int) -> None:
    rng = random.Random(places)
    values = [rng.choice([-1, 1]) * rng.uniform(0, 10 ** rng.randint(0, 8)) for _ in range(20_000)]
    texts = [f"{v:.{places}f}".encode() for v in values] + [b"-0" + (b"." + b"0" * places if places else b"")]
    texts += [b"." + b"5" * places] if places else [b"7"]
    read = decimals(*_spans(texts))
    expected = np.array([float(t) for t in texts])
    assert read is not None and np.array_equal(read, expected)
    assert np.array_equal(np.signbit(read), np.signbit(expected))


@pytest.mark.parametrize(
    "column", [[b"1.5", b"-", b"2.5"], [b"1.5", b"2-5", b"2.5"], [b"1.5", b"1.2.5", b"2.5"], [b"1.50", b"-.", b"2.50"]]
)
def test_a_fixed_point_column_with_one_bad_span_is_left_to_the_row_by_row_path(column: list[bytes]) -> None:
    assert decimals(*_spans(column)) is None


@pytest.mark.parametrize(
    "odd", [b"", b"-", b".", b"1.2.3", b"1-2", b"--1", b"+1", b"1e5", b" 1", b"1 ", b"0x1", b"nan", b"1234567890123456"]
)
def test_anything_else_is_left_to_the_row_by_row_path(odd: bytes) -> None:
    assert decimals(*_spans([b"1", odd, b"2.5"])) is None


def test_answers_are_written_in_the_digits_repr_writes() -> None:
    values = np.array([0.5, 1e-05, 1.2e-07, 0.0001, 0.0001234, 1e16, 1.5e16, 1e15, 22.5, 0.0, -0.0, 5e-324, 0.1 + 0.2])
    text = output.csv_lines(*_spans([b"a"] * len(values)), [output.Cells(values)])
    assert text.decode().splitlines() == [f"a,{v!r}" for v in values.tolist()]


def _rows(tmp_path: Path, body: bytes, name: str) -> tuple[list[bytes], bytes]:
    source = tmp_path / f"{name}.csv"
    source.write_bytes(body)
    out = tmp_path / f"{name}-out.csv"
    score(ScoreRequest("diabetes", str(source), str(out)), storage_for)
    return out.read_bytes().splitlines(), (tmp_path / f"{name}-out.csv.errors.jsonl").read_bytes()


def test_a_plain_table_and_the_same_table_read_row_by_row_give_the_same_answers(tmp_path: Path) -> None:
    rng = random.Random(5)
    rows = [
        f"{rng.randint(0, 17)},{rng.uniform(0, 199):.{rng.randint(0, 6)}f},{rng.uniform(0, 122):.3f}"
        for _ in range(3000)
    ]
    plain, _ = _rows(tmp_path, ("pregnant,glucose,pressure\n" + "\n".join(rows) + "\n").encode(), "plain")
    quoted, _ = _rows(  # a quote anywhere sends the whole block row by row
        tmp_path,
        (
            '"pregnant",glucose,pressure\n' + "\n".join(f'"{r.replace(",", chr(34) + ",", 1)}' for r in rows) + "\n"
        ).encode(),
        "quoted",
    )
    assert plain[1:] == [line[1:].replace(b'"', b"", 1) for line in quoted[1:]]


def test_one_bad_row_in_a_plain_block_is_refused_by_number_and_its_neighbours_scored(tmp_path: Path) -> None:
    lines = [b"pregnant,glucose,pressure", *(b"1,%d,70" % (80 + i) for i in range(999))]
    lines[500] = b"1,-,70"
    out, errors = _rows(tmp_path, b"\n".join(lines) + b"\n", "bad")
    assert len(out) == 999
    assert b'"row":500' in errors and b"glucose" in errors
    assert all(line.startswith(b"1,") for line in out[1:])


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_block_with_bad_rows_here_and_there_reads_as_the_row_by_row_path_reads_it(newline: str) -> None:
    """Halving around bad rows keeps the others in bulk; what it reads and refuses is the row-by-row answer."""
    import io

    from core.prediction.registry import model_spec
    from core.scoring.lines import read_blocks
    from core.scoring.rows import _csv_values, _precise, csv_layout, parse_csv

    rng = random.Random(11)
    odd = ["abc", "", "1e3", "-2", " 5", '"7"', "1.5", "9999999999999999"]
    lines = [
        f"r{i},{rng.choice(odd) if rng.random() < 0.01 else rng.randint(0, 17)},{rng.uniform(0, 199):.2f},70"
        for i in range(5000)
    ]
    spec = model_spec("diabetes")
    layout = csv_layout(spec, b"id,pregnant,glucose,pressure")
    [block] = list(read_blocks(io.BytesIO(newline.join(lines).encode() + newline.encode()), 0, block_bytes=1 << 22))
    fast = parse_csv(spec, layout, block, 1)
    slow = _precise(spec, block, 1, lambda line, row: _csv_values(spec, layout, line, row))
    assert fast.kept == slow.kept and fast.refused == slow.refused and len(slow.refused) > 10
    assert np.array_equal(fast.x, slow.x)


@pytest.mark.parametrize("shape", ["regression", "binary", "multiclass"])
def test_json_lines_in_bulk_are_the_bytes_jsonl_rows_writes(shape: str) -> None:
    from core.prediction.service import ArrayAnswer

    lines = [b'{"id": "a", "x": 1}', b"{}", b'{"x":2.5,"y":[1,{"z":null}]}', b'  {"x": "\\u00e9"}'] * 50
    rng = np.random.default_rng(3)
    n = len(lines)
    if shape == "regression":
        answer = ArrayAnswer(rng.normal(0, 1e5, n) * rng.choice([1, 1e-9, 1e12], n))
    elif shape == "binary":
        p = np.concatenate((rng.random(n - 2), [1e-7, 0.0]))
        answer = ArrayAnswer(p, ("no", "yes"), (p >= 0.5).astype(np.intp))
    else:
        p = rng.dirichlet(np.ones(3), n)
        answer = ArrayAnswer(p, ("setosa", 'vir"ginica', 3), p.argmax(axis=1))
    predictions, probabilities = answer.listed()
    listed = {"predictions": predictions, "probabilities": probabilities}
    if shape == "multiclass":
        listed["classes"] = list(answer.labels or ())
    if probabilities is None:
        del listed["probabilities"]
    columns = output.answer_columns(listed)
    data, starts, ends = _spans(lines)
    assert output.jsonl_lines(data, starts, ends, answer, columns) == output.jsonl_rows(lines, listed)


@pytest.mark.parametrize("odd", [b'{"x": 1} ', b'{"x": 1 }'])
def test_a_json_line_with_a_space_at_its_end_is_left_to_jsonl_rows(odd: bytes) -> None:
    from core.prediction.service import ArrayAnswer

    data, starts, ends = _spans([b'{"x": 1}', odd])
    answer = ArrayAnswer(np.array([1.5, 2.5]))
    assert output.jsonl_lines(data, starts, ends, answer, ("prediction",)) is None

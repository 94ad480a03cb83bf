"""The bulk reader of a warehouse's number-only calls reads exactly what a JSON decoder reads, or declines.

``number_rows`` must never accept what msgspec (the decoder it stands in for) refuses, and must give the same
double, sign included, for every number it accepts; what it declines goes to the decoder, so declining is
always safe. The tests hold it to msgspec on random batches and on each way a batch can go wrong.
"""

from __future__ import annotations

import random
from typing import Any

import msgspec
import numpy as np
import orjson
import pytest

from core.prediction import calls as warehouse_calls
from core.prediction.calls import answer_calls, answer_plain_calls
from core.prediction.number_rows import number_rows
from core.prediction.registry import model_specs
from tests.warehouses.rows import model_rows


def _number(rng: random.Random) -> str:
    """A JSON number as warehouses write them: integers, shortest-repr floats, fixed places, edge cases."""
    kind = rng.random()
    if kind < 0.2:
        return str(rng.randint(-(10 ** rng.randint(0, 15)) + 1, 10 ** rng.randint(0, 15) - 1))
    if kind < 0.4:
        return repr(round(rng.uniform(-1000, 1000), rng.randint(0, 6)))
    if kind < 0.5:
        return f"{rng.uniform(-1, 1):.{rng.randint(1, 13)}f}"
    if kind < 0.6:
        return rng.choice(["0", "-0", "0.0", "-0.0", "1", "-1", "10", "0.5", "99999999", "-9999999", "123456789"])
    return f"{rng.randint(0, 9999)}.{rng.randint(0, 999):03d}"


def _decoded(text: bytes, width: int) -> np.ndarray:
    rows = msgspec.json.decode(text, type=list[tuple.__class_getitem__((float,) * width)])  # type: ignore[misc]
    return np.array(rows, dtype=np.float64).reshape(len(rows), width)


@pytest.mark.parametrize("seed", range(40))
def test_every_number_is_read_as_the_json_decoder_reads_it(seed: int) -> None:
    rng = random.Random(seed)
    width, count = rng.randint(1, 6), rng.randint(1, 400)
    calls = ("[" + ",".join(_number(rng) for _ in range(width)) + "]" for _ in range(count))
    text = ("[" + ",".join(calls) + "]").encode()
    read = number_rows(text, width)
    assert read is not None
    expected = _decoded(text, width)
    assert np.array_equal(read, expected)
    assert np.array_equal(np.signbit(read), np.signbit(expected))  # "-0" is the integer 0; "-0.0" is -0.0


def test_fifteen_digits_are_read_and_sixteen_are_left_to_the_decoder() -> None:
    longest = [b"999999999999999", b"-99999999999999.9", b"0.00000000000001", b"123456789.123456"]
    text = b"[[" + b",".join(longest) + b"]]"
    assert np.array_equal(number_rows(text, 4), _decoded(text, 4))  # type: ignore[arg-type]
    assert number_rows(b"[[1234567890123456]]", 1) is None
    assert number_rows(b"[[0.30000000000000004]]", 1) is None


@pytest.mark.parametrize(
    "odd",
    [b"01", b"-01", b"00", b"1.", b".5", b"-.5", b"-", b".", b"0.", b"1.2.3", b"1..2", b"1-2", b"--1", b"+1"]
    + [b"12345678.", b"0123456789", b"-0123456789.5", b"123456789-", b"1.2345678.9", b"1e", b"-e5"],
)
@pytest.mark.parametrize("where", [0, 1, 2])
def test_a_number_json_does_not_allow_is_declined(odd: bytes, where: int) -> None:
    """A short number (read as one word) and a long one (read a digit place at a time) alike."""
    for neighbours in ([b"1", b"22.5", b"-3"], [b"1", b"123456789.5", b"-3"]):
        values = list(neighbours)
        values[where] = odd
        text = b"[[" + b",".join(values) + b"],[4,5,6]]"
        assert number_rows(text, 3) is None, text
        with pytest.raises(msgspec.DecodeError):
            msgspec.json.decode(text)


@pytest.mark.parametrize(
    "text",
    [b"[[1,2,3]", b"[[1,2,3],]", b"[[1,2,3],[4,5]]", b"[[1,2,3],[4,5,6,7]]", b"[[1,2,3][4,5,6]]"]
    + [b"[[1,2,3],,[4,5,6]]", b"[1,2,3]", b"[[[1,2,3]]]", b"[[1,2,3],[4,5,6]],", b"[[1,,3]]", b"[[,2,3]]"]
    + [b"[[1,2,]]", b"[[1,2,3]],[[4,5,6]]", b"[[]]", b"[[1,2,3],[]]", b"[[1,2,3],[4,5,6]", b"[[1, 2, 3]]"]
    + [b'[[1,2,"3"]]', b"[[1,2,null]]", b"[[1,2,true]]", b"{}", b"[]x", b""],
)
def test_anything_but_calls_of_the_width_is_declined(text: bytes) -> None:
    assert number_rows(text, 3) is None


@pytest.mark.parametrize("exponent", [b"1e5", b"1E5", b"-2.5e-3", b"1e+2"])
def test_a_number_with_an_exponent_is_left_to_the_decoder(exponent: bytes) -> None:
    """Valid JSON that is not plain: the decoder reads it (the batch is answered, only not in bulk)."""
    text = b"[[1," + exponent + b",3]]"
    assert number_rows(text, 3) is None
    assert _decoded(text, 3).shape == (1, 3)


def test_an_empty_batch_has_no_rows() -> None:
    read = number_rows(b"[]", 3)
    assert read is not None and read.shape == (0, 3)


def _plain_model() -> str:
    return next(n for n, s in sorted(model_specs().items()) if all(f.kind != "category" for f in s.features))


def _large(name: str, numbering: list[Any]) -> list[list[Any]]:
    rows = model_rows(name, len(numbering), seed=11)
    return [[key, *row] for key, row in zip(numbering, rows, strict=True)]


def test_a_large_batch_is_read_in_bulk_with_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    name = _plain_model()
    data = _large(name, list(range(2000)))
    raw = orjson.dumps(data)
    assert len(raw) >= warehouse_calls.BULK_BYTES
    read: list[bool] = []

    def spied(text: bytes, width: int) -> Any:
        result = number_rows(text, width)
        read.append(result is not None)
        return result

    monkeypatch.setattr(warehouse_calls, "number_rows", spied)
    plain = answer_plain_calls(name, raw, keyed=True, what="row", container="data")
    assert read == [True] and plain is not None
    assert plain.keys.tolist() == list(range(2000))
    assert plain.replies() == answer_calls(name, [row[1:] for row in data], what="row", container="data")


@pytest.mark.parametrize("key", [1.5, "7", None])
def test_a_large_batch_with_a_row_number_that_is_not_an_integer_is_refused_naming_it(key: Any) -> None:
    name = _plain_model()
    data = _large(name, list(range(2000)))
    data[1234][0] = key
    assert answer_plain_calls(name, orjson.dumps(data), keyed=True) is None
    with pytest.raises(warehouse_calls.InvalidInputError, match="^row 1234: must be an array starting with"):
        warehouse_calls.answer_json_calls(name, orjson.dumps(data), keyed=True, what="row", container="data")


def test_whole_row_numbers_written_with_a_point_are_those_integers() -> None:
    """``7.0`` is the number 7 in JSON: the precise reader takes it so, and the bulk reader agrees."""
    name = _plain_model()
    data = _large(name, [float(i) for i in range(2000)])
    plain = answer_plain_calls(name, orjson.dumps(data), keyed=True)
    assert plain is not None and plain.keys.tolist() == list(range(2000))

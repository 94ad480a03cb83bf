"""The fast ways through a warehouse batch answer exactly what the plain ways answer, byte for byte.

Snowflake's rows are offered to the core as they lie in the body (before its envelope is decoded) and the
reply is written in one gather; Redshift's decoded calls are checked through orjson's text of them. Each
test holds a fast way to its plain counterpart, so a speed-up can never change an answer or a refusal.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest

from core.errors import InvalidInputError, MalformedBodyError
from core.prediction.calls import OUTPUTS, answer_calls, answer_plain_calls
from core.prediction.registry import model_specs
from handlers.routes.warehouses import snowflake_rows
from handlers.settings import Settings
from tests.warehouses.rows import model_rows

MODELS = sorted(model_specs())
SETTINGS = dataclasses.replace(Settings.from_env(), access_log=False)


def _outputs(name: str) -> list[str]:
    return list(OUTPUTS) if model_specs()[name].is_classifier else ["label"]


def _numbers_only(name: str) -> bool:
    return all(feature.kind != "category" for feature in model_specs()[name].features)


def _listed(name: str, data: list[list[Any]], output: Any) -> bytes:
    """The reply as a list of pairs would be written: what the gather must reproduce."""
    replies = answer_calls(name, [row[1:] for row in data], output, what="row", container="data")
    return orjson.dumps({"data": [[row[0], reply] for row, reply in zip(data, replies, strict=True)]})


@pytest.mark.parametrize("name", MODELS)
def test_a_snowflake_reply_written_in_bulk_is_the_listed_reply(name: str) -> None:
    data = [[i, *row] for i, row in enumerate(model_rows(name, 700, seed=3))]
    for output in _outputs(name):
        body = orjson.dumps({"data": data})
        assert snowflake_rows(name, body, output, SETTINGS) == _listed(name, data, output)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "shape",
    [
        b'{"data":%s}',
        b' { "data" : %s } \n',
        b'{"data":%s,"extra":1}',  # the cut is not JSON: the envelope is decoded
        b'{"extra":1,"data":%s}',
        b'{"data":%s}\n\n',
    ],
)
def test_every_envelope_around_the_rows_gets_the_same_reply(shape: bytes) -> None:
    name = MODELS[0]
    data = [[i * 7 - 3, *row] for i, row in enumerate(model_rows(name, 50, seed=5))]  # any numbering, even negative
    expected = _listed(name, data, "label")
    assert snowflake_rows(name, shape % orjson.dumps(data), "label", SETTINGS) == expected


def test_a_body_that_only_looks_like_rows_is_refused_as_the_envelope_reader_refuses_it() -> None:
    name = MODELS[0]
    rows = orjson.dumps([[0, *model_rows(name, 1)[0]]])
    for body in (b'{"data":' + rows + b"}}", b'{"data":' + rows + b'} {"data":[]}', b'{"data":' + rows[:-1] + b"}"):
        with pytest.raises(MalformedBodyError) as caught:
            snowflake_rows(name, body, "label", SETTINGS)
        assert caught.value.field == "body", body


def test_an_empty_snowflake_batch_is_an_empty_reply() -> None:
    assert orjson.loads(snowflake_rows(MODELS[0], b'{"data":[]}', "label", SETTINGS)) == {"data": []}


@pytest.mark.parametrize("name", [n for n in MODELS if _numbers_only(n)])
def test_the_plain_reader_declines_what_is_not_exactly_numbers(name: str) -> None:
    row = [0, *model_rows(name, 1)[0]]
    width = len(row)
    odd: list[Any] = [
        [*row[:-1], "1"],
        [*row[:-1], None],
        [*row[:-1], True],
        [*row[:-1], [1]],
        row[:-1],
        [*row, 1],
        [1.5, *row[1:]],  # a row number must be a whole number
        {"0": 1},
    ]
    for bad in odd:
        raw = orjson.dumps([row, bad])
        assert answer_plain_calls(name, raw, keyed=True) is None, bad
    assert answer_plain_calls(name, orjson.dumps([row, row]), keyed=True) is not None
    assert answer_plain_calls(name, b"[" + orjson.dumps(row) + b",", keyed=True) is None  # not JSON
    assert width == len(model_specs()[name].features) + 1


@pytest.mark.parametrize("name", [n for n in MODELS if _numbers_only(n)])
@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("abc", "must be an array of"),  # a row that is a string as long as the model's arity
        ({"a": 1}, "must be an array of"),
        ([[1]], "must be a number, got list"),
        ([float("nan")], "must be a finite number, got nan"),
        ([2**70], "must be a finite number from"),  # beyond orjson's 64 bits
    ],
)
def test_decoded_calls_that_are_not_plain_numbers_are_refused_as_the_precise_reader_refuses_them(
    name: str, bad: Any, reason: str
) -> None:
    """Redshift's calls arrive decoded: a value orjson cannot write as a number goes the precise way."""
    rows: list[Any] = [list(row) for row in model_rows(name, 5)]
    width = len(rows[0])
    if isinstance(bad, str):
        rows[3] = bad * width
    elif isinstance(bad, dict):
        rows[3] = {str(j): 1 for j in range(width)}
    else:
        column = next(j for j, f in enumerate(model_specs()[name].features) if not f.missing)
        rows[3][column] = bad[0]
    with pytest.raises(InvalidInputError) as caught:
        answer_calls(name, rows)
    assert caught.value.message.startswith("call 3: ") and reason in caught.value.message, caught.value.message
